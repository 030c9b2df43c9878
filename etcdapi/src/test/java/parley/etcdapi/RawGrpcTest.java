package parley.etcdapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseKeepAliveResponse;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.WatchCancelRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchProgressRequest;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What neither etcdctl nor jetcd exercises, driven over plain gRPC with the generated stubs: many
 * watches on one stream, filters, cancel, stream-wide and periodic progress, the LEASE compare target
 * (a field the generated classes predate), the hand-written LeaseLeases method, etcd 3.4's newer Status
 * fields, keep-alive of an unknown lease, malformed requests, and streams ended by a server stop.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class RawGrpcTest {
    private static final long WAIT_MS = 5_000;

    private TestServer server;
    private ManagedChannel channel;

    private void start(EtcdApiConfig config) {
        server = TestServer.start(config);
        channel = NettyChannelBuilder.forAddress(TestServer.HOST, server.port).usePlaintext().build();
    }

    private void start() {
        start(EtcdApiConfig.defaults().withShutdownGraceMs(200));
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void oneStreamCarriesManyWatchesWithFiltersCancelAndProgress() throws Exception {
        start();
        var kv = KVGrpc.newBlockingStub(channel);
        Responses responses = new Responses();
        StreamObserver<WatchRequest> requests = WatchGrpc.newStub(channel).watch(responses);
        requests.onNext(create(WatchCreateRequest.newBuilder().setKey(utf8("a"))));
        requests.onNext(create(WatchCreateRequest.newBuilder().setKey(utf8("b/")).setRangeEnd(utf8("b0"))
                .addFilters(WatchCreateRequest.FilterType.NOPUT)));
        WatchResponse created1 = responses.next();
        WatchResponse created2 = responses.next();
        assertTrue(created1.getCreated() && created2.getCreated());
        assertTrue(created1.getWatchId() < created2.getWatchId(), "created answers come in request order");

        kv.put(PutRequest.newBuilder().setKey(utf8("b/x")).setValue(utf8("1")).build()); // rev 2, filtered out
        kv.put(PutRequest.newBuilder().setKey(utf8("a")).setValue(utf8("1")).build());   // rev 3
        WatchResponse putA = responses.next();
        assertEquals(created1.getWatchId(), putA.getWatchId());
        assertEquals(List.of("a@3"), events(putA));
        assertEquals(3, putA.getHeader().getRevision());

        kv.deleteRange(io.etcd.jetcd.api.DeleteRangeRequest.newBuilder().setKey(utf8("b/x")).build()); // rev 4
        WatchResponse deleteB = responses.next();
        assertEquals(created2.getWatchId(), deleteB.getWatchId());
        assertEquals(List.of("DELETE b/x@4"), events(deleteB));

        requests.onNext(WatchRequest.newBuilder().setProgressRequest(WatchProgressRequest.getDefaultInstance()).build());
        WatchResponse progress = responses.next();
        assertEquals(WatchStream.WATCH_ID_NONE, progress.getWatchId());
        assertEquals(4, progress.getHeader().getRevision());
        assertEquals(0, progress.getEventsCount());

        requests.onNext(WatchRequest.newBuilder().setCancelRequest(
                WatchCancelRequest.newBuilder().setWatchId(created1.getWatchId())).build());
        WatchResponse canceled = responses.next();
        assertEquals(created1.getWatchId(), canceled.getWatchId());
        assertTrue(canceled.getCanceled());
        kv.put(PutRequest.newBuilder().setKey(utf8("a")).setValue(utf8("2")).build());
        assertNull(responses.poll(200), "no events after cancel");
        requests.onCompleted();
    }

    @Test
    void watchWithProgressNotifyHearsPeriodicNoticesWhileIdle() throws Exception {
        start(EtcdApiConfig.defaults().withShutdownGraceMs(200).withWatchProgressNotifyIntervalMs(100));
        Responses responses = new Responses();
        StreamObserver<WatchRequest> requests = WatchGrpc.newStub(channel).watch(responses);
        requests.onNext(create(WatchCreateRequest.newBuilder().setKey(utf8("idle")).setProgressNotify(true)));
        WatchResponse created = responses.next();
        WatchResponse notice = responses.next();
        assertEquals(created.getWatchId(), notice.getWatchId());
        assertFalse(notice.getCreated() || notice.getCanceled());
        assertEquals(0, notice.getEventsCount());
        assertEquals(1, notice.getHeader().getRevision());
        requests.onCompleted();
    }

    @Test
    void serverStopEndsOpenStreamsWithServerStopped() throws Exception {
        start();
        Responses responses = new Responses();
        StreamObserver<WatchRequest> requests = WatchGrpc.newStub(channel).watch(responses);
        requests.onNext(create(WatchCreateRequest.newBuilder().setKey(utf8("s"))));
        assertTrue(responses.next().getCreated());
        server.server.stop();
        StatusRuntimeException ended = assertInstanceOf(StatusRuntimeException.class,
                responses.error.get(WAIT_MS, TimeUnit.MILLISECONDS));
        assertEquals(Status.Code.UNAVAILABLE, ended.getStatus().getCode());
        assertEquals("etcdserver: server stopped", ended.getStatus().getDescription());
    }

    @Test
    void txnComparesTheLeaseTargetTheGeneratedClassesDoNotKnow() {
        start();
        LeaseGrpc.newBlockingStub(channel).leaseGrant(LeaseGrantRequest.newBuilder().setID(7).setTTL(60).build());
        var kv = KVGrpc.newBlockingStub(channel);
        kv.put(PutRequest.newBuilder().setKey(utf8("k")).setValue(utf8("v")).setLease(7).build());
        assertTrue(kv.txn(leaseIs("k", 7)).getSucceeded());
        assertFalse(kv.txn(leaseIs("k", 8)).getSucceeded());
    }

    @Test
    void leaseLeasesAnswersThroughTheHandWrittenMethod() {
        start();
        var lease = LeaseGrpc.newBlockingStub(channel);
        lease.leaseGrant(LeaseGrantRequest.newBuilder().setID(42).setTTL(60).build());
        lease.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60).build());
        LeaseLeasesMethod.Response listed = ClientCalls.blockingUnaryCall(channel, LeaseLeasesMethod.DESCRIPTOR,
                CallOptions.DEFAULT, new LeaseLeasesMethod.Request());
        assertEquals(List.of(1L, 42L), listed.leaseIds());
        assertEquals(LocalBackendConfig.defaults().clusterId(), listed.header().getClusterId());
        assertEquals(1, listed.header().getRevision());
    }

    @Test
    void keepAliveOfUnknownLeaseAnswersTtlZero() throws Exception {
        start();
        BlockingQueue<LeaseKeepAliveResponse> answers = new LinkedBlockingQueue<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<LeaseKeepAliveRequest> requests = LeaseGrpc.newStub(channel).leaseKeepAlive(new StreamObserver<>() {
            @Override
            public void onNext(LeaseKeepAliveResponse value) {
                answers.add(value);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }

            @Override
            public void onCompleted() {
                done.complete(null);
            }
        });
        requests.onNext(LeaseKeepAliveRequest.newBuilder().setID(99).build());
        requests.onCompleted(); // half-close at once: the answer must still come, then the end
        done.get(WAIT_MS, TimeUnit.MILLISECONDS);
        LeaseKeepAliveResponse answer = answers.poll();
        assertEquals(99, answer.getID());
        assertEquals(0, answer.getTTL());
    }

    @Test
    void statusCarriesEtcd34FieldsByNumber() {
        start();
        KVGrpc.newBlockingStub(channel).put(PutRequest.newBuilder().setKey(utf8("k")).setValue(utf8("v")).build());
        StatusResponse status = MaintenanceGrpc.newBlockingStub(channel).status(StatusRequest.getDefaultInstance());
        assertEquals(1, status.getRaftIndex());
        assertEquals(1, status.getLeader());
        assertEquals(List.of(1L), status.getUnknownFields().getField(7).getVarintList()); // raftAppliedIndex
        // dbSizeInUse: the live data ("k" and "v"), beside dbSize (here the snapshot's length)
        assertEquals(List.of(2L), status.getUnknownFields().getField(9).getVarintList());
        assertTrue(status.getDbSize() >= 2);
        assertEquals(List.of(0L), status.getUnknownFields().getField(10).getVarintList()); // isLearner
    }

    @Test
    void malformedRequestsAreRefusedNotCrashed() throws Exception {
        start();
        var kv = KVGrpc.newBlockingStub(channel);
        StatusRuntimeException badSort = assertThrows(StatusRuntimeException.class,
                () -> kv.range(RangeRequest.newBuilder().setKey(utf8("k")).setSortTargetValue(9).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, badSort.getStatus().getCode());
        assertEquals("parley: malformed request: sort target 9", badSort.getStatus().getDescription());
        StatusRuntimeException emptyOp = assertThrows(StatusRuntimeException.class,
                () -> kv.txn(TxnRequest.newBuilder().addSuccess(RequestOp.getDefaultInstance()).build()));
        assertEquals("parley: malformed request: txn op without a request", emptyOp.getStatus().getDescription());

        Responses responses = new Responses();
        StreamObserver<WatchRequest> requests = WatchGrpc.newStub(channel).watch(responses);
        requests.onNext(create(WatchCreateRequest.newBuilder().setKey(utf8("k")).addFiltersValue(5)));
        WatchResponse refused = responses.next();
        assertTrue(refused.getCreated() && refused.getCanceled());
        assertEquals("parley: malformed request: watch filter 5", refused.getCancelReason());
        requests.onNext(create(WatchCreateRequest.newBuilder().setKey(utf8("k")))); // the stream lives on
        assertTrue(responses.next().getCreated());
        requests.onCompleted();
    }

    private static TxnRequest leaseIs(String key, long leaseId) {
        UnknownFieldSet leaseOperand = UnknownFieldSet.newBuilder()
                .addField(8, UnknownFieldSet.Field.newBuilder().addVarint(leaseId).build()).build();
        Compare compare = Compare.newBuilder().setKey(utf8(key)).setTargetValue(4)
                .setResult(Compare.CompareResult.EQUAL).setUnknownFields(leaseOperand).build();
        return TxnRequest.newBuilder().addCompare(compare).build();
    }

    private static WatchRequest create(WatchCreateRequest.Builder create) {
        return WatchRequest.newBuilder().setCreateRequest(create).build();
    }

    private static List<String> events(WatchResponse response) {
        return response.getEventsList().stream().map(event -> (event.getType() == io.etcd.jetcd.api.Event.EventType.DELETE
                ? "DELETE " : "") + event.getKv().getKey().toStringUtf8() + "@" + event.getKv().getModRevision()).toList();
    }

    private static ByteString utf8(String text) {
        return ByteString.copyFrom(text, StandardCharsets.UTF_8);
    }

    /** Collects a watch stream's responses and its end. */
    private static final class Responses implements StreamObserver<WatchResponse> {
        final BlockingQueue<WatchResponse> queue = new LinkedBlockingQueue<>();
        final CompletableFuture<Throwable> error = new CompletableFuture<>();

        WatchResponse next() throws InterruptedException {
            WatchResponse next = poll(WAIT_MS);
            if (next == null) {
                throw new AssertionError("no watch response within " + WAIT_MS + " ms");
            }
            return next;
        }

        WatchResponse poll(long timeoutMs) throws InterruptedException {
            return queue.poll(timeoutMs, TimeUnit.MILLISECONDS);
        }

        @Override
        public void onNext(WatchResponse value) {
            queue.add(value);
        }

        @Override
        public void onError(Throwable thrown) {
            error.complete(thrown);
        }

        @Override
        public void onCompleted() {
            error.complete(null);
        }
    }
}
