package parley.etcdapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Response;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.PutResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.lease.LeaseTimeToLiveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * jetcd, a client nobody here wrote, against a real server on 127.0.0.1: each test records what the
 * client saw (values, revisions, headers, events, errors) and asserts on it exactly.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class JetcdTest {
    private static final long WAIT_MS = 5_000;

    private TestServer server;
    private Client client;
    private KV kv;

    @BeforeEach
    void start() {
        server = TestServer.start();
        client = Client.builder().endpoints(server.url()).retryMaxAttempts(0).connectTimeout(Duration.ofSeconds(3)).build();
        kv = client.getKVClient();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void putGetPrefixRevisionAndDelete() throws Exception {
        PutResponse first = kv.put(bytes("app/a"), bytes("1")).get();
        assertHeader(first.getHeader(), 2);
        kv.put(bytes("app/b"), bytes("2")).get();
        kv.put(bytes("apq"), bytes("outside")).get();
        PutResponse overwrite = kv.put(bytes("app/a"), bytes("1b"), PutOption.builder().withPrevKV().build()).get();
        assertEquals(5, overwrite.getHeader().getRevision());
        assertTrue(overwrite.hasPrevKv());
        assertKv(overwrite.getPrevKv(), "app/a", "1", 2, 2, 1);

        GetResponse one = kv.get(bytes("app/a")).get();
        assertHeader(one.getHeader(), 5);
        assertEquals(1, one.getCount());
        assertKv(one.getKvs().get(0), "app/a", "1b", 2, 5, 2);

        GetResponse prefix = kv.get(bytes("app/"), GetOption.builder().isPrefix(true).build()).get();
        assertEquals(List.of("app/a=1b", "app/b=2"), pairs(prefix.getKvs()));
        assertEquals(2, prefix.getCount());

        GetResponse limited = kv.get(bytes("ap"), GetOption.builder().isPrefix(true).withLimit(1)
                .withSortField(GetOption.SortTarget.KEY).withSortOrder(GetOption.SortOrder.DESCEND).build()).get();
        assertEquals(List.of("apq=outside"), pairs(limited.getKvs()));
        assertTrue(limited.isMore());
        assertEquals(3, limited.getCount());

        GetResponse past = kv.get(bytes("app/a"), GetOption.builder().withRevision(2).build()).get();
        assertKv(past.getKvs().get(0), "app/a", "1", 2, 2, 1);
        assertEquals(5, past.getHeader().getRevision());

        GetResponse countOnly = kv.get(bytes("app/"), GetOption.builder().isPrefix(true).withCountOnly(true).build()).get();
        assertEquals(List.of(), countOnly.getKvs());
        assertEquals(2, countOnly.getCount());

        var deleted = kv.delete(bytes("app/"), DeleteOption.builder().isPrefix(true).withPrevKV(true).build()).get();
        assertEquals(2, deleted.getDeleted());
        assertEquals(List.of("app/a=1b", "app/b=2"), pairs(deleted.getPrevKvs()));
        assertEquals(6, deleted.getHeader().getRevision());
        assertEquals(0, kv.get(bytes("app/a")).get().getCount());
    }

    @Test
    void txnComparesVersionValueAndModRevision() throws Exception {
        long created = kv.put(bytes("k"), bytes("v")).get().getHeader().getRevision();

        TxnResponse byVersion = kv.txn()
                .If(new Cmp(bytes("k"), Cmp.Op.EQUAL, CmpTarget.version(1)))
                .Then(Op.put(bytes("k"), bytes("v2"), PutOption.DEFAULT))
                .Else(Op.put(bytes("k"), bytes("wrong"), PutOption.DEFAULT))
                .commit().get();
        assertTrue(byVersion.isSucceeded());
        assertEquals(1, byVersion.getPutResponses().size());
        assertEquals(created + 1, byVersion.getHeader().getRevision());

        TxnResponse byValue = kv.txn()
                .If(new Cmp(bytes("k"), Cmp.Op.EQUAL, CmpTarget.value(bytes("v"))))
                .Then(Op.put(bytes("k"), bytes("wrong"), PutOption.DEFAULT))
                .Else(Op.get(bytes("k"), GetOption.DEFAULT))
                .commit().get();
        assertFalse(byValue.isSucceeded());
        assertEquals(List.of("k=v2"), pairs(byValue.getGetResponses().get(0).getKvs()));
        assertEquals(created + 1, byValue.getHeader().getRevision()); // a failed read-only branch writes nothing

        TxnResponse byModRevision = kv.txn()
                .If(new Cmp(bytes("k"), Cmp.Op.EQUAL, CmpTarget.modRevision(created + 1)),
                        new Cmp(bytes("k"), Cmp.Op.GREATER, CmpTarget.createRevision(0)))
                .Then(Op.delete(bytes("k"), DeleteOption.DEFAULT), Op.put(bytes("other"), bytes("x"), PutOption.DEFAULT))
                .commit().get();
        assertTrue(byModRevision.isSucceeded());
        assertEquals(1, byModRevision.getDeleteResponses().get(0).getDeleted());
        assertEquals(created + 2, byModRevision.getHeader().getRevision());
        assertEquals(0, kv.get(bytes("k")).get().getCount());
        assertEquals("x", kv.get(bytes("other")).get().getKvs().get(0).getValue().toString(StandardCharsets.UTF_8));

        ExecutionException duplicate = assertThrows(ExecutionException.class, () -> kv.txn()
                .Then(Op.put(bytes("d"), bytes("1"), PutOption.DEFAULT), Op.put(bytes("d"), bytes("2"), PutOption.DEFAULT))
                .commit().get());
        assertError(Status.Code.INVALID_ARGUMENT, "etcdserver: duplicate key given in txn request", duplicate);
    }

    @Test
    void watchFromPastRevisionWithPrevKvThenLive() throws Exception {
        kv.put(bytes("w"), bytes("1")).get();                  // rev 2
        kv.put(bytes("w"), bytes("2")).get();                  // rev 3
        kv.put(bytes("unwatched"), bytes("x")).get();          // rev 4
        kv.delete(bytes("w")).get();                           // rev 5

        BlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
        List<Long> headerRevisions = new ArrayList<>();
        WatchOption option = WatchOption.builder().withRevision(2).withPrevKV(true).build();
        var watcher = client.getWatchClient().watch(bytes("w"), option, response -> {
            synchronized (headerRevisions) {
                headerRevisions.add(response.getHeader().getRevision());
            }
            events.addAll(response.getEvents());
        });
        try {
            WatchEvent put1 = take(events);
            assertEquals(WatchEvent.EventType.PUT, put1.getEventType());
            assertKv(put1.getKeyValue(), "w", "1", 2, 2, 1);
            assertEquals(0, put1.getPrevKV().getModRevision()); // no previous version: jetcd's empty KeyValue
            WatchEvent put2 = take(events);
            assertKv(put2.getKeyValue(), "w", "2", 2, 3, 2);
            assertKv(put2.getPrevKV(), "w", "1", 2, 2, 1);
            WatchEvent delete = take(events);
            assertEquals(WatchEvent.EventType.DELETE, delete.getEventType());
            assertKv(delete.getKeyValue(), "w", "", 0, 5, 0);
            assertKv(delete.getPrevKV(), "w", "2", 2, 3, 2);

            kv.put(bytes("w"), bytes("live")).get();          // rev 6
            WatchEvent live = take(events);
            assertKv(live.getKeyValue(), "w", "live", 6, 6, 1);
            assertTrue(events.isEmpty());
        } finally {
            watcher.close();
        }
        synchronized (headerRevisions) {
            assertTrue(headerRevisions.stream().allMatch(revision -> revision >= 5), "headers: " + headerRevisions);
        }
    }

    @Test
    void watchProgressRequestAnswersWithCurrentRevision() throws Exception {
        kv.put(bytes("p"), bytes("1")).get(); // rev 2
        BlockingQueue<WatchResponse> responses = new LinkedBlockingQueue<>();
        var watchClient = client.getWatchClient();
        var watcher = watchClient.watch(bytes("p"), WatchOption.builder().withRevision(1).build(), responses::add);
        try {
            WatchResponse first = responses.poll(WAIT_MS, TimeUnit.MILLISECONDS);
            assertEquals(1, first.getEvents().size());
            watchClient.requestProgress();
            WatchResponse progress = responses.poll(WAIT_MS, TimeUnit.MILLISECONDS);
            assertTrue(progress.isProgressNotify(), "a progress notice, not " + progress);
            assertEquals(2, progress.getHeader().getRevision());
        } finally {
            watcher.close();
        }
    }

    @Test
    void leaseGrantPutKeepAliveAndRevokeDeletesKey() throws Exception {
        var lease = client.getLeaseClient();
        long leaseId = lease.grant(30).get().getID();
        assertEquals(1, leaseId);
        kv.put(bytes("leased"), bytes("v"), PutOption.builder().withLeaseId(leaseId).build()).get();
        assertEquals(leaseId, kv.get(bytes("leased")).get().getKvs().get(0).getLease());

        LeaseKeepAliveResponse once = lease.keepAliveOnce(leaseId).get();
        assertEquals(leaseId, once.getID());
        assertEquals(30, once.getTTL());

        BlockingQueue<LeaseKeepAliveResponse> kept = new LinkedBlockingQueue<>();
        var keepAlive = lease.keepAlive(leaseId, observer(kept));
        try {
            LeaseKeepAliveResponse streamed = kept.poll(WAIT_MS, TimeUnit.MILLISECONDS);
            assertEquals(30, streamed.getTTL());
        } finally {
            keepAlive.close();
        }

        LeaseTimeToLiveResponse ttl = lease.timeToLive(leaseId, LeaseOption.builder().withAttachedKeys().build()).get();
        assertEquals(30, ttl.getGrantedTTL());
        assertTrue(ttl.getTTL() > 0 && ttl.getTTL() <= 30, "remaining " + ttl.getTTL());
        assertEquals(List.of("leased"), ttl.getKeys().stream().map(key -> key.toString(StandardCharsets.UTF_8)).toList());

        long revokedAt = lease.revoke(leaseId).get().getHeader().getRevision();
        assertEquals(3, revokedAt); // a grant writes no revision: the put made 2, the revoke's delete 3
        assertEquals(0, kv.get(bytes("leased")).get().getCount());
        assertEquals(-1, lease.timeToLive(leaseId, LeaseOption.DEFAULT).get().getTTL());
        assertError(Status.Code.NOT_FOUND, "etcdserver: requested lease not found",
                assertThrows(ExecutionException.class, () -> lease.revoke(leaseId).get()));
        assertError(Status.Code.NOT_FOUND, "etcdserver: requested lease not found", assertThrows(ExecutionException.class,
                () -> kv.put(bytes("x"), bytes("y"), PutOption.builder().withLeaseId(leaseId).build()).get()));
    }

    @Test
    void leaseExpiresWithoutKeepAliveAndItsKeyGoes() throws Exception {
        long leaseId = client.getLeaseClient().grant(1).get().getID();
        kv.put(bytes("ephemeral"), bytes("v"), PutOption.builder().withLeaseId(leaseId).build()).get();
        long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
        while (kv.get(bytes("ephemeral")).get().getCount() != 0) {
            assertTrue(System.nanoTime() < deadlineNs, "a 1 s lease expired within 4 s");
            Thread.sleep(50);
        }
        assertEquals(-1, client.getLeaseClient().timeToLive(leaseId, LeaseOption.DEFAULT).get().getTTL());
    }

    @Test
    void compactionThenReadAtCompactedRevisionFailsWithEtcdMessage() throws Exception {
        for (int i = 0; i < 4; i++) {
            kv.put(bytes("c"), bytes("v" + i)).get(); // revs 2..5
        }
        kv.compact(4).get();
        assertEquals("v2", kv.get(bytes("c"), GetOption.builder().withRevision(4).build()).get().getKvs().get(0)
                .getValue().toString(StandardCharsets.UTF_8));
        ExecutionException compacted = assertThrows(ExecutionException.class,
                () -> kv.get(bytes("c"), GetOption.builder().withRevision(3).build()).get());
        assertError(Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision has been compacted", compacted);
        ExecutionException again = assertThrows(ExecutionException.class, () -> kv.compact(4).get());
        assertError(Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision has been compacted", again);
        ExecutionException future = assertThrows(ExecutionException.class,
                () -> kv.get(bytes("c"), GetOption.builder().withRevision(99).build()).get());
        assertError(Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision is a future revision", future);
    }

    @Test
    void watchFromCompactedRevisionIsCanceledWithCompactRevision() throws Exception {
        for (int i = 0; i < 3; i++) {
            kv.put(bytes("wc"), bytes("v" + i)).get(); // revs 2..4
        }
        kv.compact(3).get();
        CompletableFuture<Throwable> error = new CompletableFuture<>();
        var watcher = client.getWatchClient().watch(bytes("wc"), WatchOption.builder().withRevision(2).build(),
                response -> { }, error::complete);
        try {
            CompactedException thrown = assertInstanceOf(CompactedException.class, error.get(WAIT_MS, TimeUnit.MILLISECONDS));
            assertEquals(3, thrown.getCompactedRevision());
        } finally {
            watcher.close();
        }
    }

    @Test
    void oversizedRequestIsRefusedWithEtcdMessage() throws Exception {
        byte[] value = new byte[EtcdApiConfig.defaults().requestBytesMax() + 1];
        ExecutionException tooLarge = assertThrows(ExecutionException.class,
                () -> kv.put(bytes("big"), ByteSequence.from(value)).get());
        assertError(Status.Code.INVALID_ARGUMENT, "etcdserver: request is too large", tooLarge);
        assertEquals(0, kv.get(bytes("big")).get().getCount());
        assertEquals(1, kv.get(bytes("big")).get().getHeader().getRevision());
    }

    @Test
    void memberListAndStatusCarryTheBackendsIdentity() throws Exception {
        var members = client.getClusterClient().listMember().get();
        assertEquals(1, members.getMembers().size());
        var member = members.getMembers().get(0);
        assertEquals(1, member.getId());
        assertEquals("parley-local", member.getName());
        assertEquals(List.of(server.url()), member.getClientURIs().stream().map(Object::toString).toList());
        assertHeader(members.getHeader(), 1);

        var status = client.getMaintenanceClient().statusMember(server.url()).get();
        assertEquals(LocalBackendConfig.VERSION_DEFAULT, status.getVersion());
        assertEquals(1, status.getLeader());
        assertEquals(1, status.getRaftTerm());
        assertTrue(status.getDbSize() > 0);
    }

    @Test
    void maintenanceHashKvDefragmentAndMoveLeaderThroughJetcd() throws Exception {
        kv.put(bytes("a"), bytes("1")).get();
        kv.put(bytes("b"), bytes("2")).get();
        var maintenance = client.getMaintenanceClient();
        var atTwo = maintenance.hashKV(server.url(), 2).get();
        var atThree = maintenance.hashKV(server.url(), 3).get();
        assertEquals(3, atThree.getHeader().getRevision());
        assertTrue(atTwo.getHash() != atThree.getHash(), "a later revision hashes more history");
        assertEquals(atTwo.getHash(), maintenance.hashKV(server.url(), 2).get().getHash(), "the same revision hashes alike");
        ExecutionException future = assertThrows(ExecutionException.class, () -> maintenance.hashKV(server.url(), 99).get());
        assertError(Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision is a future revision", future);
        maintenance.defragmentMember(server.url()).get();
        assertEquals(2, kv.get(bytes("a")).get().getHeader().getRevision() - 1);
        maintenance.moveLeader(1).get(); // the only member leads already
        ExecutionException bad = assertThrows(ExecutionException.class, () -> maintenance.moveLeader(7).get());
        assertMaintenanceError("FAILED_PRECONDITION", "etcdserver: bad leader transferee", bad);
    }

    @Test
    void theServerSideLockServesItsHoldersOneAtATimeAndHandsOnAtUnlockOrLeaseExpiry() throws Exception {
        var lock = client.getLockClient();
        var leases = client.getLeaseClient();
        long first = leases.grant(60).get().getID();
        long second = leases.grant(60).get().getID();
        long third = leases.grant(60).get().getID();
        ByteSequence name = bytes("jobs/nightly");
        var held = lock.lock(name, first).get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals("jobs/nightly/" + Long.toHexString(first), held.getKey().toString(StandardCharsets.UTF_8));
        var secondWaits = lock.lock(name, second);
        var thirdWaits = lock.lock(name, third);
        // Both waiters have queued (their keys exist) and looked at who is before them: neither got the lock.
        var prefix = io.etcd.jetcd.options.GetOption.newBuilder().isPrefix(true).build();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (kv.get(bytes("jobs/nightly/"), prefix).get().getCount() < 3 && System.nanoTime() < deadline) Thread.onSpinWait();
        lock.unlock(bytes("jobs/nightly/unrelated")).get(); // a round trip after the waiters' own, on the same single thread
        assertTrue(!secondWaits.isDone() && !thirdWaits.isDone(), "the others wait while the first holds the lock");
        // The two requests raced to queue: the one whose key was created first is next.
        var queued = kv.get(bytes("jobs/nightly/"), prefix).get().getKvs().stream()
                .sorted(java.util.Comparator.comparingLong(KeyValue::getCreateRevision)).toList();
        boolean secondFirst = queued.get(1).getKey().toString(StandardCharsets.UTF_8).equals("jobs/nightly/" + Long.toHexString(second));
        var nextWaits = secondFirst ? secondWaits : thirdWaits;
        var lastWaits = secondFirst ? thirdWaits : secondWaits;
        long nextLease = secondFirst ? second : third;
        long lastLease = secondFirst ? third : second;
        lock.unlock(held.getKey()).get();
        var nextHeld = nextWaits.get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals("jobs/nightly/" + Long.toHexString(nextLease), nextHeld.getKey().toString(StandardCharsets.UTF_8));
        assertTrue(!lastWaits.isDone(), "one holder at a time");
        leases.revoke(nextLease).get(); // the holder's lease ends: the lock passes on
        var lastHeld = lastWaits.get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals("jobs/nightly/" + Long.toHexString(lastLease), lastHeld.getKey().toString(StandardCharsets.UTF_8));
        assertEquals(1, kv.get(bytes("jobs/nightly/"), io.etcd.jetcd.options.GetOption.newBuilder().isPrefix(true).build()).get().getCount(),
                "only the holder's key is left");
    }

    @Test
    void theServerSideElectionElectsObservesProclaimsAndHandsOnAtResign() throws Exception {
        var election = client.getElectionClient();
        var leases = client.getLeaseClient();
        long first = leases.grant(60).get().getID();
        long second = leases.grant(60).get().getID();
        ByteSequence name = bytes("primary");
        java.util.List<String> observed = new java.util.concurrent.CopyOnWriteArrayList<>();
        election.observe(name, new io.etcd.jetcd.Election.Listener() {
            @Override public void onNext(io.etcd.jetcd.election.LeaderResponse response) {
                observed.add(response.getKv().getValue().toString(StandardCharsets.UTF_8));
            }
            @Override public void onError(Throwable throwable) { observed.add("error: " + throwable); }
            @Override public void onCompleted() { }
        });
        ExecutionException none = assertThrows(ExecutionException.class, () -> election.leader(name).get());
        assertTrue(none.getCause() instanceof io.etcd.jetcd.election.NoLeaderException, none.getCause().toString());

        var won = election.campaign(name, first, bytes("host-a")).get(5, java.util.concurrent.TimeUnit.SECONDS);
        var secondCampaign = election.campaign(name, second, bytes("host-b"));
        assertEquals("host-a", election.leader(name).get().getKv().getValue().toString(StandardCharsets.UTF_8));
        election.proclaim(won.getLeader(), bytes("host-a, v2")).get();
        assertEquals("host-a, v2", election.leader(name).get().getKv().getValue().toString(StandardCharsets.UTF_8));
        assertTrue(!secondCampaign.isDone(), "the second candidate waits while the first leads");

        election.resign(won.getLeader()).get();
        var secondWon = secondCampaign.get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals("host-b", election.leader(name).get().getKv().getValue().toString(StandardCharsets.UTF_8));
        ExecutionException stale = assertThrows(ExecutionException.class, () -> election.proclaim(won.getLeader(), bytes("stale")).get());
        assertTrue(stale.getCause() instanceof io.etcd.jetcd.election.NotLeaderException, stale.getCause().toString());
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (!observed.contains("host-b") && System.nanoTime() < deadline) Thread.onSpinWait();
        assertEquals(List.of("host-a", "host-a, v2", "host-b"), observed, "the observer saw every leader and value, in order");
        election.resign(secondWon.getLeader()).get();
    }

    private static void assertHeader(Response.Header header, long revision) {
        LocalBackendConfig config = LocalBackendConfig.defaults();
        assertEquals(config.clusterId(), header.getClusterId());
        assertEquals(config.memberId(), header.getMemberId());
        assertEquals(revision, header.getRevision());
        assertEquals(1, header.getRaftTerm());
    }

    private static void assertKv(KeyValue kv, String key, String value, long createRevision, long modRevision, long version) {
        assertEquals(key, kv.getKey().toString(StandardCharsets.UTF_8));
        assertEquals(value, kv.getValue().toString(StandardCharsets.UTF_8));
        assertEquals(createRevision, kv.getCreateRevision(), "create revision of " + key);
        assertEquals(modRevision, kv.getModRevision(), "mod revision of " + key);
        assertEquals(version, kv.getVersion(), "version of " + key);
    }

    /** jetcd hands unary failures over as the gRPC status; etcd's code and exact message must be in it. */
    private static void assertError(Status.Code code, String etcdMessage, ExecutionException thrown) {
        StatusRuntimeException cause = assertInstanceOf(StatusRuntimeException.class, thrown.getCause());
        assertEquals(code, cause.getStatus().getCode(), cause.toString());
        assertEquals(etcdMessage, cause.getStatus().getDescription());
    }

    /** jetcd's Maintenance client wraps failures in its own EtcdException, whose message carries etcd's. */
    private static void assertMaintenanceError(String code, String etcdMessage, ExecutionException thrown) {
        var cause = assertInstanceOf(io.etcd.jetcd.common.exception.EtcdException.class, thrown.getCause());
        assertEquals(code, cause.getErrorCode().name(), cause.toString());
        assertTrue(cause.getMessage().contains(etcdMessage), cause.getMessage());
    }

    private static List<String> pairs(List<KeyValue> kvs) {
        return kvs.stream().map(kv -> kv.getKey().toString(StandardCharsets.UTF_8) + "="
                + kv.getValue().toString(StandardCharsets.UTF_8)).toList();
    }

    private static <T> T take(BlockingQueue<T> queue) throws InterruptedException {
        T next = queue.poll(WAIT_MS, TimeUnit.MILLISECONDS);
        if (next == null) {
            throw new AssertionError("nothing arrived within " + WAIT_MS + " ms");
        }
        return next;
    }

    private static <T> StreamObserver<T> observer(BlockingQueue<T> into) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                into.add(value);
            }

            @Override
            public void onError(Throwable error) {}

            @Override
            public void onCompleted() {}
        };
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
