package parley.kv;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import parley.core.Check;

/**
 * The replicated half of leases: which leases exist, their granted TTLs, and which keys each one
 * holds. A key is attached to the lease named in its current version and to no other, so the
 * attachments are exactly the live keys with a lease, and a snapshot need not store them.
 *
 * <p>What is deliberately missing is time. Whether a lease has expired is decided by the leader's
 * {@link LeaseClock} from its own monotonic clock, and the verdict enters the log as a
 * {@link KvCommand.LeaseExpire}; replicas never read a clock while applying.
 */
public final class LeaseTable {
    private static final class Lease {
        final long ttlSeconds;
        final TreeSet<Bytes> keys = new TreeSet<>();

        Lease(long ttlSeconds) {
            this.ttlSeconds = ttlSeconds;
        }
    }

    private TreeMap<Long, Lease> leases = new TreeMap<>();
    /** Where the search for an unused id starts when a grant asks the store to choose. */
    private long idNext = 1;
    /** Bumped by every grant, revoke and reset, so a {@link LeaseClock} can tell when to resync. */
    private long changeCount;

    /** Whether lease {@code id} exists. */
    public boolean contains(long id) {
        return leases.containsKey(id);
    }

    /** The lease's granted TTL, or -1 when it does not exist. */
    public long ttlSeconds(long id) {
        Lease lease = leases.get(id);
        return lease == null ? -1 : lease.ttlSeconds;
    }

    /** The lease, or empty when it does not exist. */
    public Optional<LeaseInfo> get(long id) {
        Lease lease = leases.get(id);
        return lease == null ? Optional.empty() : Optional.of(new LeaseInfo(id, lease.ttlSeconds, List.copyOf(lease.keys)));
    }

    /** The ids of all leases, ascending. */
    public List<Long> ids() {
        return List.copyOf(leases.keySet());
    }

    public int size() {
        return leases.size();
    }

    /** A counter that changes whenever a lease is granted or revoked or the table is reset. */
    public long changeCount() {
        return changeCount;
    }

    /** The id a grant asking for "any id" receives next; part of replicated state. */
    long idNext() {
        return idNext;
    }

    /**
     * Creates lease {@code id}, or when {@code id} is 0 the next unused one; returns its id. As in etcd,
     * a client may name any id but 0 (negative ones too), while ids the store chooses are positive.
     */
    long grant(long id, long ttlSeconds) {
        Check.that(ttlSeconds > 0, "grants are checked first: id %d, ttl %d", id, ttlSeconds);
        long chosen = id;
        if (chosen == 0) {
            while (leases.containsKey(idNext)) {
                idNext = following(idNext);
            }
            chosen = idNext;
            idNext = following(idNext);
        }
        Lease previous = leases.putIfAbsent(chosen, new Lease(ttlSeconds));
        Check.that(previous == null, "grant of lease %d which already exists", chosen);
        changeCount++;
        return chosen;
    }

    /** The positive id after {@code id}: past Long.MAX_VALUE the search starts again at 1. */
    private static long following(long id) {
        return id == Long.MAX_VALUE ? 1 : id + 1;
    }

    /** Removes lease {@code id}, which must exist and hold no keys any more. */
    void remove(long id) {
        Lease lease = leases.remove(id);
        Check.that(lease != null, "revoked lease %d exists", id);
        Check.that(lease.keys.isEmpty(), "revoked lease %d lost its keys first", id);
        changeCount++;
    }

    /** The keys attached to lease {@code id}, in key order (a copy). */
    List<Bytes> keysOf(long id) {
        Lease lease = leases.get(id);
        return lease == null ? List.of() : new ArrayList<>(lease.keys);
    }

    void attach(long id, Bytes key) {
        Lease lease = leases.get(id);
        Check.that(lease != null, "key %s attaches to existing lease %d", key, id);
        lease.keys.add(key);
    }

    void detach(long id, Bytes key) {
        Lease lease = leases.get(id);
        Check.that(lease != null && lease.keys.remove(key), "key %s was attached to lease %d", key, id);
    }

    /** Moves {@code key} from the lease of its old version to that of its new one (0: none). */
    void reattach(Bytes key, long oldLease, long newLease) {
        if (oldLease == newLease) {
            return;
        }
        if (oldLease != 0) {
            detach(oldLease, key);
        }
        if (newLease != 0) {
            attach(newLease, key);
        }
    }

    /** Granted TTL per lease id, ascending, for the snapshot. */
    TreeMap<Long, Long> ttlsById() {
        TreeMap<Long, Long> ttls = new TreeMap<>();
        leases.forEach((id, lease) -> ttls.put(id, lease.ttlSeconds));
        return ttls;
    }

    /** Replaces the table with one read from a snapshot; attachments are rebuilt from live keys. */
    void reset(TreeMap<Long, Long> ttlsById, long newIdNext, Iterable<KeyValue> liveValues) {
        TreeMap<Long, Lease> rebuilt = new TreeMap<>();
        ttlsById.forEach((id, ttl) -> rebuilt.put(id, new Lease(ttl)));
        for (KeyValue kv : liveValues) {
            if (kv.lease() != 0) {
                Lease lease = rebuilt.get(kv.lease());
                Check.that(lease != null, "snapshot key %s names existing lease %d", kv.key(), kv.lease());
                lease.keys.add(kv.key());
            }
        }
        leases = rebuilt;
        idNext = newIdNext;
        changeCount++;
    }
}
