package parley.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import parley.core.Check;
import parley.core.env.Env;
import parley.sim.SimDisk;
import parley.sim.SimProcess;

/**
 * A simulated watcher: watches every key from revision 1 through one server at a time and checks,
 * as events arrive, that it sees every revision exactly once and in order. When its server goes
 * silent (crashed, paused, partitioned away) it re-watches on another server from the revision after
 * the last one it saw, as an etcd client does, so the check spans servers and restarts too.
 *
 * <p>In this workload every revision after 1 is made by exactly one put, so "gap-free" is exact: the
 * next change must carry the next revision, and a progress notice for revision R means every
 * revision up to R has already arrived. The one allowed gap is compaction's: a stream canceled
 * because the revisions it needs were compacted away (etcd's compacted response) is reopened at
 * the compaction point, as an etcd client that resyncs would. A stream that ends because its server
 * reopened its replica from storage (after its disk filled up and had room again) is reopened where
 * it was, as any client does when its stream breaks.
 *
 * <p>The watcher acknowledges what it has read, and the server sends only a few messages ahead of
 * that (the stream's flow control). One watcher in three is a slow reader: now and then it stops
 * reading for up to 0.9 s, so the server's replica must hold that watch back and later hand it
 * everything it missed, from its buffer or from history, without a gap.
 */
public final class SimWatcher implements SimProcess<ClusterMessage> {
    private static final int LIVENESS_TIMER = 1;
    private static final int STALL_TIMER = 2;
    /** How long a slow reader stops reading at a time: at most this, well under {@link #SILENCE_NS}. */
    private static final long STALL_NS_MAX = 900_000_000L;
    private static final long LIVENESS_CHECK_NS = 250_000_000L;
    /** Without any message for this long the stream is presumed dead; servers send progress every 100 ms. */
    private static final long SILENCE_NS = 1_000_000_000L;

    private final RunContext run;
    private final long watcherId;
    private final List<Long> servers;
    private Env<ClusterMessage> env;

    private int serverIndex;
    private long streamId;
    private long expectedSeq;
    private final TreeMap<Long, ClusterMessage.WatchEvents> outOfOrder = new TreeMap<>();
    private long lastHeardNs;
    private long lastRevision = 1;
    private final List<ClusterMessage.Change> seen = new ArrayList<>();
    private int streamsOpened;
    private int compactionsMet;
    /** Streams ended because their server reopened its replica from storage. */
    private int reopensMet;
    /** A slow reader stops reading now and then (decided at start). */
    private boolean slowReader;
    private boolean stalled;

    SimWatcher(RunContext run, long watcherId, List<Long> servers) {
        this.run = run;
        this.watcherId = watcherId;
        this.servers = List.copyOf(servers);
    }

    @Override
    public void onStart(Env<ClusterMessage> env, SimDisk disk) {
        this.env = env;
        serverIndex = env.random().nextInt(servers.size());
        slowReader = env.random().nextInt(3) == 0;
        openStream();
        env.setTimer(LIVENESS_TIMER, LIVENESS_CHECK_NS);
    }

    /** Every change seen, in order. */
    public List<ClusterMessage.Change> seen() {
        return seen;
    }

    /** The last revision seen (1 before any change). */
    public long lastRevision() {
        return lastRevision;
    }

    public int streamsOpened() {
        return streamsOpened;
    }

    /** Streams ended because history this watcher needed was compacted (it then skips to the compaction point). */
    public int compactionsMet() {
        return compactionsMet;
    }

    private void openStream() {
        streamId = (watcherId << 20) + ++streamsOpened;
        expectedSeq = 0;
        outOfOrder.clear();
        lastHeardNs = run.nowNs();
        env.send(servers.get(serverIndex), new ClusterMessage.WatchCreate(streamId, lastRevision + 1));
    }

    @Override
    public void onTimer(int timerId) {
        if (timerId == STALL_TIMER) {
            stalled = false; // reads again: everything held arrives now, then the window reopens
            lastHeardNs = run.nowNs();
            readHeld(servers.get(serverIndex));
            return;
        }
        env.setTimer(LIVENESS_TIMER, LIVENESS_CHECK_NS);
        if (stalled) return; // a reader that does not read does not notice silence either
        if (slowReader && env.random().nextInt(4) == 0) {
            stalled = true;
            env.setTimer(STALL_TIMER, env.random().nextLong(1, STALL_NS_MAX));
            return;
        }
        if (run.nowNs() - lastHeardNs > SILENCE_NS) {
            serverIndex = (serverIndex + 1) % servers.size();
            openStream();
        }
    }

    @Override
    public void onMessage(long from, ClusterMessage message) {
        if (!(message instanceof ClusterMessage.WatchEvents events) || events.streamId() != streamId) return;
        lastHeardNs = run.nowNs();
        // The network may reorder a stream's messages; a real stream (TCP) would not, so restore order.
        outOfOrder.put(events.seq(), events);
        if (!stalled) readHeld(from);
    }

    /** Reads the held messages that are next in order, then acknowledges them (opening the server's window). */
    private void readHeld(long from) {
        long readBefore = expectedSeq;
        while (!outOfOrder.isEmpty() && outOfOrder.firstKey() == expectedSeq) {
            long stream = streamId;
            process(from, outOfOrder.pollFirstEntry().getValue());
            if (streamId != stream) return; // reopened after a compaction: a new stream, counted from 0
            expectedSeq++;
        }
        if (expectedSeq > readBefore) env.send(from, new ClusterMessage.WatchAck(streamId, expectedSeq - 1));
    }

    private void process(long from, ClusterMessage.WatchEvents events) {
        if (events.canceled() && events.compactRevision() <= 0 && parley.replica.KvReplica.CLOSED_FOR_REOPEN_REASON.equals(events.reason())) {
            reopensMet++;
            openStream(); // from the revision after the last one seen: nothing may be missed
            return;
        }
        if (events.canceled()) {
            // Otherwise only compaction may end a stream: the revisions it needed are gone, and etcd's
            // answer names where a new watch may start. Anything else ending a stream is a bug.
            if (events.compactRevision() <= 0) {
                throw new IllegalStateException("watch stream s" + streamId + " on n" + from + " canceled: " + events.reason());
            }
            Check.that(events.compactRevision() > lastRevision + 1,
                    "watch compaction: n%d canceled watcher w%d's stream for compaction at %d, but it asked for %d, still in history",
                    from, watcherId, events.compactRevision(), lastRevision + 1);
            compactionsMet++;
            lastRevision = events.compactRevision() - 1;
            openStream();
            return;
        }
        for (ClusterMessage.Change change : events.changes()) {
            Check.that(change.revision() == lastRevision + 1,
                    "watch gap-free: watcher w%d got revision %d from n%d after %d", watcherId, change.revision(), from, lastRevision);
            lastRevision = change.revision();
            seen.add(change);
        }
        if (events.changes().isEmpty()) {
            Check.that(events.revision() <= lastRevision,
                    "watch gap-free: n%d promised progress to revision %d but watcher w%d has only seen up to %d",
                    from, events.revision(), watcherId, lastRevision);
        }
    }

    @Override
    public void onSyncComplete(long syncId) {}
}
