package parley.membership;

import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * The node's own small agenda, multiplexed onto one runtime timer: probe timeouts, helpers' timeouts,
 * one suspicion per suspected member, join retries. Env timers are few and fixed by id; suspicions
 * are as many as members. Cancelling is lazy: an entry whose {@code generation} no longer matches its
 * owner's is skipped when it comes due.
 */
final class Deadlines {
    enum Kind { PROBE_DIRECT_TIMEOUT, FORWARD_TIMEOUT, SUSPICION, JOIN_RETRY }

    record Deadline(long atNs, long order, Kind kind, long key, long generation) {}

    private static final Comparator<Deadline> EARLIEST_FIRST =
            Comparator.comparingLong(Deadline::atNs).thenComparingLong(Deadline::order);

    private final PriorityQueue<Deadline> queue = new PriorityQueue<>(EARLIEST_FIRST);
    private long nextOrder;

    void add(long atNs, Kind kind, long key, long generation) {
        queue.add(new Deadline(atNs, nextOrder++, kind, key, generation));
    }

    /** The earliest deadline due at {@code nowNs}, removed; or null. */
    Deadline pollDue(long nowNs) {
        Deadline first = queue.peek();
        if (first == null || first.atNs() > nowNs) return null;
        return queue.poll();
    }

    /** The earliest deadline's time, or {@link Long#MAX_VALUE}. */
    long earliestNs() {
        Deadline first = queue.peek();
        return first == null ? Long.MAX_VALUE : first.atNs();
    }

    int size() {
        return queue.size();
    }
}
