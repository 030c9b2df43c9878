package parley.raft;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import parley.core.Check;

/**
 * Durability bookkeeping: which writes to {@link RaftStorage} are synced, the single sync in flight
 * (group commit: while one sync runs, later writes wait and are covered together by the next), and
 * the actions that must wait for durability — a vote, an append acknowledgement — released when the
 * sync covering them completes.
 *
 * <p>Writes are numbered ({@code writeSeq}); an action records the number it depends on. A sync covers
 * every write numbered up to the count at the moment it was issued.
 */
final class SyncTracker {
    /** An action that must wait until write {@code requiredWriteSeq} is durable, valid only in {@code term}. */
    record Deferred(long requiredWriteSeq, long term, Runnable action) {}

    /** Beyond this, new deferred actions are dropped (they are all messages or re-derivable steps). */
    static final int MAX_DEFERRED = 16_384;

    private long writeSeq;
    private long durableWriteSeq;
    private long hardStateWriteSeq;
    private long nextSyncId = 1;
    private long inflightSyncId;
    private long inflightWriteSeq;
    private long inflightLastIndex;
    private long durableLastIndex;
    private final ArrayDeque<Deferred> deferred = new ArrayDeque<>();
    private long droppedDeferred;

    /**
     * {@code firstSyncId}: ids count up from here. Each incarnation of a node starts from a random
     * point, so a completion left over from before a crash cannot match a sync of the new incarnation.
     */
    SyncTracker(long durableLastIndex, long firstSyncId) {
        Check.that(firstSyncId > 0, "sync ids must be positive");
        this.durableLastIndex = durableLastIndex;
        this.nextSyncId = firstSyncId;
    }

    void wroteLog() {
        writeSeq++;
    }

    void wroteHardState() {
        writeSeq++;
        hardStateWriteSeq = writeSeq;
    }

    /** The log lost every entry above {@code index}: nothing above it can be counted as durable. */
    void truncatedAfter(long index) {
        durableLastIndex = Math.min(durableLastIndex, index);
        inflightLastIndex = Math.min(inflightLastIndex, index);
    }

    /** The last log index known to be durable (every entry at or below it synced and not since replaced). */
    long durableLastIndex() {
        return durableLastIndex;
    }

    boolean allDurable() {
        return durableWriteSeq == writeSeq;
    }

    boolean hardStateDurable() {
        return durableWriteSeq >= hardStateWriteSeq;
    }

    long writeSeq() {
        return writeSeq;
    }

    long hardStateWriteSeq() {
        return hardStateWriteSeq;
    }

    void defer(long requiredWriteSeq, long term, Runnable action) {
        Check.that(requiredWriteSeq > durableWriteSeq, "deferring an action whose writes are already durable");
        Check.that(requiredWriteSeq <= writeSeq, "deferring on a write not yet issued");
        if (deferred.size() >= MAX_DEFERRED) {
            droppedDeferred++;
            return;
        }
        deferred.add(new Deferred(requiredWriteSeq, term, action));
    }

    /** True when writes are pending and no sync is in flight: the caller should issue one now. */
    boolean shouldIssue() {
        return inflightSyncId == 0 && writeSeq > durableWriteSeq;
    }

    boolean inflight() {
        return inflightSyncId != 0;
    }

    /** Records a sync covering every write so far; {@code lastIndex} is the log's last index now. */
    long issue(long lastIndex) {
        Check.that(shouldIssue(), "issuing a sync with nothing to cover or one already in flight");
        inflightSyncId = nextSyncId++;
        inflightWriteSeq = writeSeq;
        inflightLastIndex = lastIndex;
        return inflightSyncId;
    }

    /**
     * Marks the in-flight sync complete and returns the deferred actions it releases, in order.
     * Returns null when {@code syncId} is not the sync in flight (a stale or duplicated completion).
     */
    List<Deferred> complete(long syncId) {
        if (syncId != inflightSyncId || syncId == 0) return null;
        Check.that(inflightWriteSeq > durableWriteSeq, "a sync must cover new writes");
        durableWriteSeq = inflightWriteSeq;
        durableLastIndex = Math.max(durableLastIndex, inflightLastIndex);
        inflightSyncId = 0;
        List<Deferred> ready = new ArrayList<>();
        for (Iterator<Deferred> it = deferred.iterator(); it.hasNext(); ) {
            Deferred d = it.next();
            if (d.requiredWriteSeq <= durableWriteSeq) {
                ready.add(d);
                it.remove();
            }
        }
        return ready;
    }

    long droppedDeferred() {
        return droppedDeferred;
    }

    int deferredCount() {
        return deferred.size();
    }
}
