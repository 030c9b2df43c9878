package parley.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The leader-local half of leases: deadlines on the leader's clock, expiries to propose. */
class LeaseClockTest {
    private static final long SECOND_NS = 1_000_000_000L;
    private final Kv kv = new Kv();
    private final LeaseClock clock = new LeaseClock(kv.machine.leases(), 3 * SECOND_NS);

    @Test
    void followersProposeNothing() {
        kv.grant(1, 1);
        assertEquals(List.of(), clock.expired(100 * SECOND_NS, 10));
        assertEquals(-1, clock.keepAlive(1, 0));
    }

    @Test
    void aNewLeaderGivesEveryLeaseAFullTtl() {
        kv.grant(1, 10);
        kv.grant(2, 5);
        clock.onBecameLeader(100 * SECOND_NS);
        assertEquals(List.of(), clock.expired(104 * SECOND_NS, 10));
        assertEquals(List.of(2L), clock.expired(105 * SECOND_NS, 10));
        assertEquals(List.of(), clock.expired(107 * SECOND_NS, 10), "2's expiry is in flight");
        assertEquals(List.of(2L, 1L), clock.expired(110 * SECOND_NS, 10), "2 again: its expiry never applied");
    }

    @Test
    void keepAliveRenewsAndExpiredIsNotRepeatedUntilTheRetryInterval() {
        kv.grant(1, 10);
        clock.onBecameLeader(0);
        assertEquals(10, clock.keepAlive(1, 8 * SECOND_NS));
        assertEquals(9, clock.remainingTtlSeconds(1, 9 * SECOND_NS));
        assertEquals(List.of(), clock.expired(17 * SECOND_NS, 10));
        assertEquals(List.of(1L), clock.expired(18 * SECOND_NS, 10));
        assertEquals(-1, clock.keepAlive(1, 18 * SECOND_NS + 1), "an expiring lease is not renewed");
        assertEquals(List.of(), clock.expired(20 * SECOND_NS, 10), "the expiry is in flight");
        assertEquals(List.of(1L), clock.expired(21 * SECOND_NS, 10), "retried after 3 s");
    }

    @Test
    void leasesGrantedAndRevokedThroughTheLogArePickedUp() {
        clock.onBecameLeader(0);
        long lease = kv.grant(0, 2);
        kv.put("a", "1", lease);
        assertEquals(2, clock.remainingTtlSeconds(lease, SECOND_NS / 2), "due 2 s after first seen");
        assertEquals(List.of(lease), clock.expired(3 * SECOND_NS, 10));
        kv.expect(KvResult.LeaseRevokeResult.class, new KvCommand.LeaseExpire(lease));
        assertEquals(-1, clock.remainingTtlSeconds(lease, 3 * SECOND_NS));
        assertEquals(List.of(), clock.expired(100 * SECOND_NS, 10));
        assertEquals(null, kv.get("a"));
    }

    @Test
    void expiredIsBoundedAndOrderedByDeadline() {
        kv.grant(1, 3);
        kv.grant(2, 1);
        kv.grant(3, 2);
        clock.onBecameLeader(0);
        assertEquals(List.of(2L, 3L), clock.expired(10 * SECOND_NS, 2));
        assertEquals(List.of(1L), clock.expired(10 * SECOND_NS, 2));
        clock.onBecameFollower();
        assertEquals(List.of(), clock.expired(100 * SECOND_NS, 10));
    }
}
