package parley.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static parley.kv.Kv.b;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The replicated half of leases: grant, attach on put, revoke/expire deleting keys in one revision. */
class LeaseTest {
    private final Kv kv = new Kv(new KvConfig(128, 8, 5, 1000, 100, 1000, 100));

    @Test
    void grantWithIdZeroPicksTheNextFreeIdDeterministically() {
        assertEquals(2, kv.grant(2, 10));
        assertEquals(1, kv.grant(0, 10));
        assertEquals(3, kv.grant(0, 10), "2 is taken");
        assertEquals(List.of(1L, 2L, 3L), kv.expect(KvResult.LeaseListResult.class, new KvCommand.LeaseList()).ids());
        assertEquals(1, kv.revision(), "grants do not change the key-value revision");
    }

    @Test
    void grantChecksAsEtcdDoes() {
        kv.grant(7, 10);
        assertEquals(KvError.LEASE_EXISTS, kv.failure(new KvCommand.LeaseGrant(7, 10)).error());
        assertEquals(KvError.LEASE_TTL_TOO_LARGE, kv.failure(new KvCommand.LeaseGrant(8, 1001)).error());
        assertEquals(-1, kv.grant(-1, 10), "etcd grants any id a client names but 0, negative ones too");
        KvResult.LeaseGrantResult raised = kv.expect(KvResult.LeaseGrantResult.class, new KvCommand.LeaseGrant(9, 1));
        assertEquals(5, raised.ttlSeconds(), "raised to the minimum TTL");
    }

    @Test
    void leasesWithNegativeIdsHoldKeysAndSurviveASnapshot() {
        kv.grant(Long.MIN_VALUE, 10);
        kv.grant(-1, 10);
        kv.grant(Long.MAX_VALUE, 10);
        kv.put("a", "1", -1);
        kv.put("b", "1", Long.MIN_VALUE);
        assertEquals(1, kv.grant(0, 10), "the store picks positive ids");
        byte[] snapshot = kv.machine.snapshot();
        KvStateMachine copy = new KvStateMachine();
        copy.restore(snapshot);
        org.junit.jupiter.api.Assertions.assertArrayEquals(snapshot, copy.snapshot());
        assertEquals(List.of(Long.MIN_VALUE, -1L, 1L, Long.MAX_VALUE),
                ((KvResult.LeaseListResult) copy.read(new KvCommand.LeaseList())).ids());
        KvResult.LeaseRevokeResult revoked = kv.expect(KvResult.LeaseRevokeResult.class, new KvCommand.LeaseRevoke(-1));
        assertNull(kv.get("a"), "revoking lease -1 deleted its key: " + revoked);
    }

    @Test
    void putWithAnUnknownLeaseFails() {
        KvResult.Failure failure = kv.failure(KvCommand.Put.withLease(b("a"), b("1"), 42));
        assertEquals(KvError.LEASE_NOT_FOUND, failure.error());
        assertEquals("etcdserver: requested lease not found", failure.error().grpcMessage());
        assertNull(kv.get("a"));
    }

    @Test
    void revokeDeletesAllAttachedKeysInOneRevision() {
        long lease = kv.grant(0, 10);
        kv.put("a", "1", lease);
        kv.put("b", "1", lease);
        kv.put("c", "1");
        KvResult.LeaseRevokeResult revoked = kv.expect(KvResult.LeaseRevokeResult.class, new KvCommand.LeaseRevoke(lease));
        assertEquals(5, revoked.revision());
        assertNull(kv.get("a"));
        assertNull(kv.get("b"));
        assertEquals(b("1"), kv.get("c").value());
        assertEquals(KvError.LEASE_NOT_FOUND, kv.failure(new KvCommand.LeaseRevoke(lease)).error());
        assertEquals(KvError.LEASE_NOT_FOUND, kv.failure(new KvCommand.LeaseKeepAlive(lease)).error());
    }

    @Test
    void expireIsARevokeDecidedByTheLeader() {
        long lease = kv.grant(0, 10);
        kv.put("a", "1", lease);
        kv.expect(KvResult.LeaseRevokeResult.class, new KvCommand.LeaseExpire(lease));
        assertNull(kv.get("a"));
        assertEquals(List.of(), kv.machine.leases().ids());
    }

    @Test
    void revokingALeaseWithoutKeysKeepsTheRevision() {
        long lease = kv.grant(0, 10);
        assertEquals(1, kv.expect(KvResult.LeaseRevokeResult.class, new KvCommand.LeaseRevoke(lease)).revision());
    }

    @Test
    void aKeyFollowsTheLeaseOfItsCurrentVersion() {
        long first = kv.grant(1, 10);
        long second = kv.grant(2, 10);
        kv.put("a", "1", first);
        kv.put("a", "2", second);
        kv.put("b", "1", first);
        kv.put("b", "2");
        assertEquals(List.of(), ttl(first).keys());
        assertEquals(List.of(b("a")), ttl(second).keys());
        kv.delete("a");
        assertEquals(List.of(), ttl(second).keys());
        kv.expect(KvResult.LeaseRevokeResult.class, new KvCommand.LeaseRevoke(first));
        assertEquals(b("2"), kv.get("b").value(), "b left lease 1 when overwritten without it");
    }

    @Test
    void timeToLiveReportsGrantedTtlAndKeys() {
        long lease = kv.grant(3, 30);
        kv.put("b", "1", lease);
        kv.put("a", "1", lease);
        KvResult.LeaseTimeToLiveResult info = ttl(lease);
        assertEquals(30, info.grantedTtlSeconds());
        assertEquals(List.of(b("a"), b("b")), info.keys());
        KvResult.LeaseTimeToLiveResult noKeys = kv.expect(KvResult.LeaseTimeToLiveResult.class,
                new KvCommand.LeaseTimeToLive(lease, false));
        assertEquals(List.of(), noKeys.keys());
        assertEquals(KvError.LEASE_NOT_FOUND, kv.failure(new KvCommand.LeaseTimeToLive(4, true)).error());
        KvResult.LeaseKeepAliveResult kept = kv.expect(KvResult.LeaseKeepAliveResult.class, new KvCommand.LeaseKeepAlive(lease));
        assertEquals(30, kept.ttlSeconds());
    }

    private KvResult.LeaseTimeToLiveResult ttl(long lease) {
        return kv.expect(KvResult.LeaseTimeToLiveResult.class, new KvCommand.LeaseTimeToLive(lease, true));
    }
}
