package parley.etcdapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.kv.KvCommand;
import parley.kv.KvResult;
import parley.kv.WatchRequest;

/** A backend that cannot decide: its failures reach the client as etcd's statuses, within the timeout. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class BackendFailureTest {

    /** Writes fail with "no leader"; reads never answer. */
    private static final class LeaderlessBackend implements EtcdBackend {
        @Override
        public CompletableFuture<KvResult> write(KvCommand command) {
            return CompletableFuture.failedFuture(new EtcdBackendException(EtcdBackendException.Reason.NO_LEADER, "election running"));
        }

        @Override
        public CompletableFuture<KvResult> read(KvCommand command, boolean serializable) {
            return new CompletableFuture<>();
        }

        @Override
        public CompletableFuture<Long> leaseRemainingTtlSeconds(long leaseId) {
            return new CompletableFuture<>();
        }

        @Override
        public WatchHandle watch(WatchRequest request, WatchSink sink) {
            throw new UnsupportedOperationException("not in this test");
        }

        @Override
        public ClusterHeader header() {
            return new ClusterHeader(7, 3, 1, 2);
        }

        @Override
        public CompletableFuture<List<MemberInfo>> members() {
            return CompletableFuture.completedFuture(List.of());
        }

        @Override
        public CompletableFuture<StatusInfo> status() {
            return new CompletableFuture<>();
        }
    }

    @Test
    void noLeaderAndTimeoutReachTheClientAsEtcdStatuses() throws Exception {
        EtcdGrpcServer server = new EtcdGrpcServer(new LeaderlessBackend(),
                EtcdApiConfig.defaults().withRequestTimeoutMs(200).withShutdownGraceMs(100));
        int port = server.start(TestServer.HOST, 0);
        ManagedChannel channel = NettyChannelBuilder.forAddress(TestServer.HOST, port).usePlaintext().build();
        try {
            var kv = KVGrpc.newBlockingStub(channel);
            StatusRuntimeException noLeader = assertThrows(StatusRuntimeException.class, () -> kv.put(
                    PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")).build()));
            assertEquals(Status.Code.UNAVAILABLE, noLeader.getStatus().getCode());
            assertEquals("etcdserver: no leader", noLeader.getStatus().getDescription());

            long startNs = System.nanoTime();
            StatusRuntimeException timedOut = assertThrows(StatusRuntimeException.class, () -> kv.range(
                    RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")).build()));
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            assertEquals(Status.Code.UNAVAILABLE, timedOut.getStatus().getCode());
            assertEquals("etcdserver: request timed out", timedOut.getStatus().getDescription());
            assertEquals(true, elapsedMs >= 190 && elapsedMs < 3_000, "timed out after " + elapsedMs + " ms");
        } finally {
            channel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
            server.stop();
        }
    }

    @Test
    void requestsPastTheInflightBoundsAreRefusedAtOnceAndTheBoundsComeBack() throws Exception {
        // Reads never answer here, so each one holds its place until its deadline passes.
        EtcdGrpcServer server = new EtcdGrpcServer(new LeaderlessBackend(), EtcdApiConfig.defaults().withRequestTimeoutMs(1_500)
                .withShutdownGraceMs(100).withRequestBytesMax(1024).withInflightLimits(3, 2048));
        int port = server.start(TestServer.HOST, 0);
        ManagedChannel channel = NettyChannelBuilder.forAddress(TestServer.HOST, port).usePlaintext().build();
        try {
            var kv = KVGrpc.newBlockingStub(channel);
            var async = KVGrpc.newFutureStub(channel);
            RangeRequest small = RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")).build();
            List<com.google.common.util.concurrent.ListenableFuture<?>> holding = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) holding.add(async.range(small));
            awaitInflight(server, 3);
            StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> kv.range(small));
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.getStatus().getCode());
            assertEquals("etcdserver: too many requests", refused.getStatus().getDescription());
            assertEquals(1, server.refusedTooManyRequests());

            for (var call : holding) { // they end with the request timeout, and give their places back
                var failure = assertThrows(java.util.concurrent.ExecutionException.class, call::get);
                assertEquals("etcdserver: request timed out", Status.fromThrowable(failure.getCause()).getDescription());
            }
            awaitInflight(server, 0);

            // The byte bound: two requests of 900 bytes fit in 2 KiB, a third does not.
            RangeRequest large = RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("k".repeat(900))).build();
            holding.clear();
            for (int i = 0; i < 2; i++) holding.add(async.range(large));
            awaitInflight(server, 2);
            StatusRuntimeException tooManyBytes = assertThrows(StatusRuntimeException.class, () -> kv.range(large));
            assertEquals("etcdserver: too many requests", tooManyBytes.getStatus().getDescription());
            for (var call : holding) call.cancel(true); // a client that gives up gives the place back too
            awaitInflight(server, 0);
        } finally {
            channel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
            server.stop();
        }
    }

    private static void awaitInflight(EtcdGrpcServer server, int requests) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.inflightRequests() != requests) {
            if (System.nanoTime() > deadline) throw new AssertionError("in flight: " + server.inflightRequests() + ", waiting for " + requests);
            Thread.sleep(5);
        }
    }

    @Test
    void whileTheRuntimeShedsLoadWritesAreRefusedAndReadsAndDeletesPass() throws Exception {
        try (TestServer server = TestServer.start()) {
            java.util.concurrent.atomic.AtomicBoolean shed = new java.util.concurrent.atomic.AtomicBoolean(true);
            server.server.shedWritesWhen(shed::get);
            ManagedChannel channel = NettyChannelBuilder.forAddress(TestServer.HOST, server.port).usePlaintext().build();
            try {
                var kv = KVGrpc.newBlockingStub(channel);
                ByteString key = ByteString.copyFromUtf8("k");
                StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                        () -> kv.put(PutRequest.newBuilder().setKey(key).setValue(key).build()));
                assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.getStatus().getCode());
                assertEquals("etcdserver: too many requests", refused.getStatus().getDescription());
                assertEquals(0, kv.range(RangeRequest.newBuilder().setKey(key).build()).getCount(), "reads pass, and the put did not happen");
                kv.deleteRange(io.etcd.jetcd.api.DeleteRangeRequest.newBuilder().setKey(key).build()); // deletes free memory: they pass
                shed.set(false);
                kv.put(PutRequest.newBuilder().setKey(key).setValue(key).build());
                assertEquals(1, kv.range(RangeRequest.newBuilder().setKey(key).build()).getCount());
            } finally {
                channel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
            }
        }
    }
}
