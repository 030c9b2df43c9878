package parley.kv;

import java.util.List;

/**
 * What the replicated state knows about a lease: its id, the TTL it was granted with, and the keys
 * attached to it. Its deadline is not here: deadlines are the leader's, see {@link LeaseClock}.
 *
 * @param id the lease id, positive
 * @param ttlSeconds the granted time to live
 * @param keys the attached keys, in key order
 */
public record LeaseInfo(long id, long ttlSeconds, List<Bytes> keys) {
    public LeaseInfo {
        keys = List.copyOf(keys);
    }
}
