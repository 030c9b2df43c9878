package parley.etcdapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.kv.Bytes;
import parley.kv.KeyRange;
import parley.kv.KvCommand;
import parley.kv.KvError;
import parley.kv.KvResult;
import parley.kv.WatchRequest;
import parley.kv.WatchResponse;

/** The local backend on its own, with a clock the test moves by hand. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LocalBackendTest {
    private static final long SECOND_NS = 1_000_000_000L;
    private static final long WAIT_MS = 5_000;

    private final AtomicLong nowNs = new AtomicLong(1_000 * SECOND_NS);

    @Test
    void leaseDeadlinesFollowTheClockAndExpiryGoesThroughApply() throws Exception {
        try (LocalBackend backend = new LocalBackend(LocalBackendConfig.defaults(), nowNs::get)) {
            var granted = (KvResult.LeaseGrantResult) backend.write(new KvCommand.LeaseGrant(0, 5)).get();
            backend.write(KvCommand.Put.withLease(Bytes.utf8("k"), Bytes.utf8("v"), granted.id())).get();
            nowNs.addAndGet(3 * SECOND_NS);
            assertEquals(2, backend.leaseRemainingTtlSeconds(granted.id()).get());
            var kept = (KvResult.LeaseKeepAliveResult) backend.write(new KvCommand.LeaseKeepAlive(granted.id())).get();
            assertEquals(5, kept.ttlSeconds());
            assertEquals(5, backend.leaseRemainingTtlSeconds(granted.id()).get());

            nowNs.addAndGet(6 * SECOND_NS); // past the deadline; the next tick expires it
            // Whether or not the expiry was applied yet, a keep-alive past the deadline finds no lease.
            KvResult late = backend.write(new KvCommand.LeaseKeepAlive(granted.id())).get();
            assertEquals(KvError.LEASE_NOT_FOUND, assertInstanceOf(KvResult.Failure.class, late).error());
            long deadlineMs = System.currentTimeMillis() + WAIT_MS;
            while (rangeCount(backend, "k") != 0) {
                assertTrue(System.currentTimeMillis() < deadlineMs, "the tick expired the lease");
                Thread.sleep(10);
            }
            assertEquals(-1, backend.leaseRemainingTtlSeconds(granted.id()).get());
        }
    }

    @Test
    void watchDeliversCreatedEventsProgressAndCanceledInOrder() throws Exception {
        try (LocalBackend backend = new LocalBackend(LocalBackendConfig.defaults(), nowNs::get)) {
            backend.write(KvCommand.Put.of(Bytes.utf8("a"), Bytes.utf8("1"))).get(); // rev 2
            List<WatchResponse> seen = new ArrayList<>();
            WatchHandle handle = backend.watch(WatchRequest.of(KeyRange.single(Bytes.utf8("a")), 1), response -> {
                synchronized (seen) {
                    seen.add(response);
                }
                return true;
            });
            assertEquals(2, handle.progressRevision().get(WAIT_MS, TimeUnit.MILLISECONDS));
            handle.cancel();
            backend.write(KvCommand.Put.of(Bytes.utf8("a"), Bytes.utf8("2"))).get(); // after cancel: unseen
            assertEquals(3, handle.progressRevision().get(WAIT_MS, TimeUnit.MILLISECONDS)); // ended: current revision
            synchronized (seen) {
                assertEquals(3, seen.size(), seen.toString());
                assertTrue(seen.get(0).created());
                assertEquals(1, seen.get(1).events().size());
                assertEquals(2, seen.get(1).events().get(0).revision());
                assertTrue(seen.get(2).canceled());
            }
        }
    }

    @Test
    void afterCloseEveryCallFailsWithServerStopped() throws Exception {
        LocalBackend backend = new LocalBackend(LocalBackendConfig.defaults(), nowNs::get);
        backend.close();
        ExecutionException stopped = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> backend.write(KvCommand.Put.of(Bytes.utf8("a"), Bytes.utf8("1"))).get());
        EtcdBackendException cause = assertInstanceOf(EtcdBackendException.class, stopped.getCause());
        assertEquals(EtcdBackendException.Reason.STOPPED, cause.reason());
    }

    private static long rangeCount(LocalBackend backend, String key) throws Exception {
        var result = (KvResult.RangeResult) backend.read(KvCommand.Range.of(KeyRange.single(Bytes.utf8(key))), false).get();
        return result.count();
    }
}
