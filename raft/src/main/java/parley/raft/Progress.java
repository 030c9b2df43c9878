package parley.raft;

import java.util.ArrayDeque;
import parley.core.Check;

/**
 * What a leader knows about one follower's log, and how it is currently feeding it (etcd's
 * {@code Progress}):
 * <ul>
 *   <li>{@link State#PROBE}: the follower's match is unknown; one append at a time, resent on each
 *       heartbeat answer, walking {@code nextIndex} back on rejection.</li>
 *   <li>{@link State#REPLICATE}: the follower is known to match; appends are pipelined with
 *       {@code nextIndex} advanced optimistically, up to {@code maxInflight} unacknowledged.</li>
 *   <li>{@link State#SNAPSHOT}: the entries it needs are compacted; a snapshot is sent chunk by chunk.</li>
 * </ul>
 */
final class Progress {
    enum State { PROBE, REPLICATE, SNAPSHOT }

    final long peerId;
    private final int maxInflight;
    long matchIndex;
    long nextIndex;
    State state = State.PROBE;
    /** PROBE: an append is out and unanswered; no new one until an answer or a heartbeat reply. */
    boolean probeSent;
    /** Last index carried by each unacknowledged pipelined append, oldest first. */
    private final ArrayDeque<Long> inflight = new ArrayDeque<>();
    /** When the pipeline last made progress (an ack advanced match, or it restarted from empty). */
    long pipelineProgressNs;
    long lastContactNs;
    /** Highest heartbeat round this follower has answered in the current term. */
    long readRoundAcked;

    /** SNAPSHOT: the snapshot being sent, the offset of the chunk in flight, its length and send time. */
    Snapshot snapshot;
    long snapshotOffsetBytes;
    int snapshotChunkLength;
    long snapshotChunkSentNs;

    Progress(long peerId, long nextIndex, int maxInflight, long nowNs) {
        Check.that(nextIndex >= 1, "nextIndex must be >= 1");
        Check.that(maxInflight > 0, "maxInflight must be positive");
        this.peerId = peerId;
        this.nextIndex = nextIndex;
        this.maxInflight = maxInflight;
        this.lastContactNs = nowNs;
    }

    boolean isPaused() {
        return switch (state) {
            case PROBE -> probeSent;
            case REPLICATE -> inflight.size() >= maxInflight;
            case SNAPSHOT -> true;
        };
    }

    int inflightCount() {
        return inflight.size();
    }

    /** The follower lost its log, which now ends at {@code lastIndex}: match no more than that, and probe from after it. */
    void resetAfterLogLoss(long lastIndex) {
        matchIndex = Math.min(matchIndex, lastIndex);
        becomeProbe(lastIndex + 1);
    }

    void becomeProbe(long next) {
        state = State.PROBE;
        nextIndex = Math.max(next, matchIndex + 1);
        probeSent = false;
        inflight.clear();
        snapshot = null;
        Check.that(nextIndex > matchIndex, "next must be above match");
    }

    void becomeReplicate(long nowNs) {
        state = State.REPLICATE;
        nextIndex = matchIndex + 1;
        probeSent = false;
        inflight.clear();
        snapshot = null;
        pipelineProgressNs = nowNs;
    }

    void becomeSnapshot(Snapshot snap, long nowNs) {
        Check.that(snap.index() > 0, "sending an empty snapshot");
        state = State.SNAPSHOT;
        inflight.clear();
        probeSent = false;
        snapshot = snap;
        snapshotOffsetBytes = 0;
        snapshotChunkLength = 0;
        snapshotChunkSentNs = nowNs;
    }

    /** Records an append carrying entries up to {@code lastIndex}. */
    void sentEntries(long lastIndex, long nowNs) {
        Check.that(lastIndex >= nextIndex, "sent entries end at %d below next %d", lastIndex, nextIndex);
        if (state == State.REPLICATE) {
            if (inflight.isEmpty()) pipelineProgressNs = nowNs;
            inflight.add(lastIndex);
            nextIndex = lastIndex + 1;
            Check.that(inflight.size() <= maxInflight, "inflight window overflow");
        } else {
            Check.that(state == State.PROBE, "sending entries while in %s", state);
            probeSent = true;
        }
    }

    /** Records an acknowledged match; returns true when it advanced. */
    boolean updateMatch(long index, long nowNs) {
        if (index <= matchIndex) return false;
        matchIndex = index;
        nextIndex = Math.max(nextIndex, index + 1);
        while (!inflight.isEmpty() && inflight.peekFirst() <= index) inflight.pollFirst();
        pipelineProgressNs = nowNs;
        Check.that(nextIndex > matchIndex, "next must be above match");
        return true;
    }

    /** True when pipelined appends have gone unanswered for {@code stallNs}: probably lost. */
    boolean pipelineStalled(long nowNs, long stallNs) {
        return state == State.REPLICATE && !inflight.isEmpty() && nowNs - pipelineProgressNs >= stallNs;
    }

    @Override
    public String toString() {
        return peerId + ":" + state + " match=" + matchIndex + " next=" + nextIndex
                + (state == State.REPLICATE ? " inflight=" + inflight.size() : "")
                + (state == State.SNAPSHOT ? " snap=" + snapshot.index() + "@" + snapshotOffsetBytes : "");
    }
}
