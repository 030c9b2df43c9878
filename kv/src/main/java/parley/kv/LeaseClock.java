package parley.kv;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The leader's lease deadlines: the half of leases that is about time, and so is not replicated.
 *
 * <p>Why split leases this way (as etcd does): a deadline is a reading of one node's monotonic
 * clock, and clocks of different nodes cannot be compared. So replicas keep only which leases exist
 * and their TTLs ({@link LeaseTable}); the leader keeps deadlines on its own clock and, when one
 * passes, proposes a {@link KvCommand.LeaseExpire} through the log, which every replica applies at
 * the same revision. When leadership moves, the new leader knows no deadlines, so
 * {@link #onBecameLeader} extends every lease to a full TTL from its own now: a lease may live up to
 * one TTL longer than asked across a leader change, but never expires early.
 *
 * <p>Use, on the leader's runtime only: {@link #onBecameLeader} on winning an election,
 * {@link #onBecameFollower} on losing it; {@link #keepAlive} for each client keep-alive (after a
 * {@link KvCommand.LeaseKeepAlive} applies, or directly once leadership is confirmed, as etcd does);
 * and periodically {@link #expired} to learn which leases to propose expiring. Leases granted or
 * revoked through the log are picked up from the table by itself.
 *
 * <p>All time comes in as {@code nowNs} from the runtime's {@code Env#nowNs()}.
 *
 * <p>Not final only so that test code can plant a bug in it (a leader that trusts the wrong clock)
 * and show that the simulator's lease check catches it; nothing in the product subclasses it.
 */
public class LeaseClock {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final LeaseTable leases;
    private final long expiryRetryNs;
    /** Deadline per lease id, on this node's monotonic clock. */
    private final TreeMap<Long, Long> deadlineNsById = new TreeMap<>();
    /** When this node last returned a lease from {@link #expired}, per lease id. */
    private final TreeMap<Long, Long> expiryProposedNsById = new TreeMap<>();
    private boolean leader;
    private long leasesSeenChangeCount = -1;

    /**
     * @param leases the replicated lease table to follow
     * @param expiryRetryNs how long to wait before proposing the expiry of the same lease again, in
     *     case the first proposal was lost
     */
    public LeaseClock(LeaseTable leases, long expiryRetryNs) {
        if (expiryRetryNs <= 0) {
            throw new IllegalArgumentException("expiryRetryNs must be positive: " + expiryRetryNs);
        }
        this.leases = leases;
        this.expiryRetryNs = expiryRetryNs;
    }

    /** This node became leader: every lease gets a full TTL from {@code nowNs}. */
    public void onBecameLeader(long nowNs) {
        leader = true;
        deadlineNsById.clear();
        expiryProposedNsById.clear();
        for (long id : leases.ids()) {
            deadlineNsById.put(id, deadline(nowNs, leases.ttlSeconds(id)));
        }
        leasesSeenChangeCount = leases.changeCount();
    }

    /** This node is no longer leader: its deadlines mean nothing to the next one. */
    public void onBecameFollower() {
        leader = false;
        deadlineNsById.clear();
        expiryProposedNsById.clear();
        leasesSeenChangeCount = -1;
    }

    public boolean isLeader() {
        return leader;
    }

    /**
     * Renews lease {@code id} to a full TTL from {@code nowNs}. Returns the TTL in seconds, or -1
     * when this node is not leader, the lease does not exist, or its deadline already passed (its
     * expiry is on its way through the log; etcd answers "lease not found" then too).
     */
    public long keepAlive(long id, long nowNs) {
        if (!follow(nowNs)) {
            return -1;
        }
        Long deadlineNs = deadlineNsById.get(id);
        if (deadlineNs == null || deadlineNs <= nowNs) {
            return -1;
        }
        long ttlSeconds = leases.ttlSeconds(id);
        deadlineNsById.put(id, deadline(nowNs, ttlSeconds));
        return ttlSeconds;
    }

    /** Whole seconds left before lease {@code id} expires (0 once due), or -1 if unknown or not leader. */
    public long remainingTtlSeconds(long id, long nowNs) {
        if (!follow(nowNs)) {
            return -1;
        }
        Long deadlineNs = deadlineNsById.get(id);
        if (deadlineNs == null) {
            return -1;
        }
        return Math.max(0, deadlineNs - nowNs) / NANOS_PER_SECOND;
    }

    /**
     * Up to {@code max} leases whose deadline passed, earliest first (ties by id), for the runtime to
     * propose {@link KvCommand.LeaseExpire} for. A lease returned is not returned again until
     * {@code expiryRetryNs} later, in case that proposal was lost. Empty when not leader.
     */
    public List<Long> expired(long nowNs, int max) {
        if (!follow(nowNs) || max <= 0) {
            return List.of();
        }
        List<Map.Entry<Long, Long>> due = new ArrayList<>();
        for (Map.Entry<Long, Long> entry : deadlineNsById.entrySet()) {
            Long proposedNs = expiryProposedNsById.get(entry.getKey());
            boolean retryDue = proposedNs == null || saturatedAdd(proposedNs, expiryRetryNs) <= nowNs;
            if (entry.getValue() <= nowNs && retryDue) {
                due.add(entry);
            }
        }
        due.sort(Map.Entry.<Long, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey(Comparator.naturalOrder())));
        List<Long> ids = new ArrayList<>();
        for (Map.Entry<Long, Long> entry : due.subList(0, Math.min(max, due.size()))) {
            ids.add(entry.getKey());
            expiryProposedNsById.put(entry.getKey(), nowNs);
        }
        return ids;
    }

    /**
     * Brings the deadlines in line with the table when leases were granted or revoked since the last
     * look: a new lease is due a full TTL from now, a revoked one is forgotten. Returns whether this
     * node is leader.
     */
    private boolean follow(long nowNs) {
        if (!leader) {
            return false;
        }
        if (leases.changeCount() == leasesSeenChangeCount) {
            return true;
        }
        deadlineNsById.keySet().removeIf(id -> !leases.contains(id));
        expiryProposedNsById.keySet().removeIf(id -> !leases.contains(id));
        for (long id : leases.ids()) {
            deadlineNsById.computeIfAbsent(id, unused -> deadline(nowNs, leases.ttlSeconds(id)));
        }
        leasesSeenChangeCount = leases.changeCount();
        return true;
    }

    private static long deadline(long nowNs, long ttlSeconds) {
        long ttlNs = ttlSeconds > Long.MAX_VALUE / NANOS_PER_SECOND ? Long.MAX_VALUE : ttlSeconds * NANOS_PER_SECOND;
        return saturatedAdd(nowNs, ttlNs);
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
