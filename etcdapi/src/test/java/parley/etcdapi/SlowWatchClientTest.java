package parley.etcdapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchProgressRequest;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.kv.Bytes;
import parley.kv.KvCommand;
import parley.kv.KvResult;

/**
 * A watch client that stops reading, against the gRPC watch stream itself (in process, over the
 * in-memory backend): the stream must hold its watches back rather than queue every event, answer
 * the progress requests it got meanwhile once, and hand over everything it held back, gap-free, when
 * the client reads again.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SlowWatchClientTest {
    private static final int PUTS = 3_000;
    private static final int WATCHES = 2;
    private static final int PROGRESS_REQUESTS = 100;

    @Test
    void aClientThatStopsReadingGetsEverythingOnceItReadsAgain() throws Exception {
        try (TestServer server = TestServer.start()) {
            // A fixed 64 KiB window: gRPC's automatic one would grow to hold megabytes on loopback.
            ManagedChannel channel = NettyChannelBuilder.forAddress(TestServer.HOST, server.port).usePlaintext()
                    .flowControlWindow(64 << 10).build();
            try {
                Client client = new Client();
                WatchGrpc.newStub(channel).watch(client);
                ByteString key = ByteString.copyFromUtf8("hot");
                for (int i = 0; i < WATCHES; i++) {
                    client.requests.onNext(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
                            .setKey(key).setStartRevision(2)).build());
                }
                byte[] value = new byte[1024];
                List<Long> acknowledged = new ArrayList<>();
                for (int i = 0; i < PUTS; i++) {
                    KvResult result = server.backend.write(KvCommand.Put.of(Bytes.of(key.toByteArray()), Bytes.of(value)))
                            .get(10, TimeUnit.SECONDS);
                    acknowledged.add(result.revision());
                }
                for (int i = 0; i < PROGRESS_REQUESTS; i++) {
                    client.requests.onNext(WatchRequest.newBuilder().setProgressRequest(WatchProgressRequest.getDefaultInstance()).build());
                }
                // 3 MiB of events per watch cannot fit the client's window: the stream must be holding back.
                await(() -> server.backend.blockedWatches().join() == WATCHES, client); // both watches held back
                client.requests.request(Integer.MAX_VALUE);
                long last = acknowledged.get(acknowledged.size() - 1);
                await(() -> client.lastRevisions().size() == WATCHES
                        && client.lastRevisions().values().stream().allMatch(revision -> revision >= last), client);
                for (Map.Entry<Long, List<Long>> seen : client.revisionsByWatch().entrySet()) {
                    assertEquals(acknowledged, seen.getValue(), "watch " + seen.getKey() + ": every put once, in order");
                }
                await(() -> client.progressNotices() >= 1, client);
                assertTrue(client.progressNotices() < PROGRESS_REQUESTS,
                        "progress requests made while the stream was not ready are answered once: " + client.progressNotices());
                assertEquals(List.of(), client.problems());
                assertEquals(0, server.backend.blockedWatches().get(10, TimeUnit.SECONDS), "and resumed");
            } finally {
                channel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
            }
        }
    }

    private static void await(BooleanSupplier condition, Client client) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out; the client got to " + client.lastRevisions());
            Thread.sleep(10);
        }
    }

    /** Reads nothing until asked to (gRPC's automatic inbound flow control is off). */
    private static final class Client implements ClientResponseObserver<WatchRequest, WatchResponse> {
        private volatile ClientCallStreamObserver<WatchRequest> requests;
        private final Map<Long, List<Long>> revisionsByWatch = new TreeMap<>();
        private final Map<Long, Long> lastRevisions = new TreeMap<>();
        private final List<String> problems = new ArrayList<>();
        private int progressNotices;

        @Override
        public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
            requests = requestStream;
            requestStream.disableAutoRequestWithInitial(0);
        }

        @Override
        public synchronized void onNext(WatchResponse response) {
            if (response.getCanceled()) problems.add("watch " + response.getWatchId() + " canceled: " + response.getCancelReason());
            if (response.getCreated()) revisionsByWatch.put(response.getWatchId(), new ArrayList<>());
            if (response.getWatchId() == -1 && response.getEventsCount() == 0) progressNotices++;
            for (var event : response.getEventsList()) {
                revisionsByWatch.computeIfAbsent(response.getWatchId(), id -> new ArrayList<>()).add(event.getKv().getModRevision());
                lastRevisions.put(response.getWatchId(), event.getKv().getModRevision());
            }
        }

        @Override
        public synchronized void onError(Throwable error) {
            problems.add("stream failed: " + error);
        }

        @Override
        public synchronized void onCompleted() {
            problems.add("stream completed by the server");
        }

        synchronized Map<Long, Long> lastRevisions() {
            return new TreeMap<>(lastRevisions);
        }

        synchronized Map<Long, List<Long>> revisionsByWatch() {
            return new TreeMap<>(revisionsByWatch);
        }

        synchronized int progressNotices() {
            return progressNotices;
        }

        synchronized List<String> problems() {
            return List.copyOf(problems);
        }
    }
}
