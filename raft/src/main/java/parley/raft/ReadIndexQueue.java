package parley.raft;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.function.LongConsumer;
import parley.core.Check;

/**
 * Linearizable reads waiting at the leader (dissertation 6.4). A read gets its read index (the commit
 * index) once the leader has committed an entry of its own term, then waits for a heartbeat round
 * started after that to be acknowledged by a quorum (proof that no newer leader existed then), and
 * finally for the state machine to have applied up to its read index.
 */
final class ReadIndexQueue {
    /** Read-ready callback: (readId, readIndex). */
    interface ReadyCallback {
        void ready(long readId, long readIndex);
    }

    private static final class PendingRead {
        final long readId;
        long readIndex = -1;
        long requiredRound = -1;
        boolean confirmed;

        PendingRead(long readId) {
            this.readId = readId;
        }
    }

    private final int maxPending;
    private final ArrayDeque<PendingRead> reads = new ArrayDeque<>();

    ReadIndexQueue(int maxPending) {
        this.maxPending = maxPending;
    }

    boolean isFull() {
        return reads.size() >= maxPending;
    }

    int size() {
        return reads.size();
    }

    /** Registers a read whose read index is not yet known. */
    void add(long readId) {
        Check.that(!isFull(), "read queue overflow");
        reads.add(new PendingRead(readId));
    }

    /** Registers a read that needs no confirmation round (lease, or the unsafe test seam). */
    void addConfirmed(long readId, long readIndex) {
        Check.that(!isFull(), "read queue overflow");
        PendingRead r = new PendingRead(readId);
        r.readIndex = readIndex;
        r.confirmed = true;
        reads.add(r);
    }

    /** Gives every read without a read index this one, to be confirmed by {@code round} or later. */
    boolean assignUnassigned(long readIndex, long round) {
        boolean any = false;
        for (PendingRead r : reads) {
            if (r.readIndex < 0) {
                r.readIndex = readIndex;
                r.requiredRound = round;
                any = true;
            }
        }
        return any;
    }

    /** A quorum acknowledged every round up to {@code round}. */
    void confirmThrough(long round) {
        for (PendingRead r : reads) {
            if (!r.confirmed && r.readIndex >= 0 && r.requiredRound <= round) r.confirmed = true;
        }
    }

    /** Delivers every confirmed read whose read index has been applied. */
    void releaseReady(long appliedIndex, ReadyCallback callback) {
        for (Iterator<PendingRead> it = reads.iterator(); it.hasNext(); ) {
            PendingRead r = it.next();
            if (r.confirmed && r.readIndex <= appliedIndex) {
                Check.that(r.readIndex >= 0, "confirmed read without a read index");
                it.remove();
                callback.ready(r.readId, r.readIndex);
            }
        }
    }

    void failAll(LongConsumer callback) {
        while (!reads.isEmpty()) callback.accept(reads.pollFirst().readId);
    }
}
