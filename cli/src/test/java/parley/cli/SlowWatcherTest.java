package parley.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import parley.torture.LocalCluster;

/**
 * Issue 16's slow-watcher attack against a real server process with a small, fixed memory budget
 * (256 MiB of heap, 64 MiB of direct memory): 2,000 watchers on one hot key that never read their
 * streams, while writers put 1 KiB values to that key. Before watch streams had flow control the
 * server buffered every event for every watcher and died of an OutOfMemoryError within a second.
 *
 * <p>What the clients saw is judged: every put must be acknowledged, the node must stay up with its
 * resident memory under a ceiling, and a stalled stream that starts reading again must receive every
 * acknowledged revision exactly once and in order (replayed from the server's bounded buffer or from
 * history), nothing more and nothing less.
 */
class SlowWatcherTest {
    private static final int STALLED_STREAMS = 7;
    private static final int WATCHES_PER_STALLED_STREAM = 285; // with the checked stream's 2: ~2,000 watches
    private static final int CHECKED_WATCHES = 2;
    private static final int WRITERS = 4;
    /**
     * Below what makes the node compact its history (10,000 revisions, or a quarter of its quota of an
     * eighth of the heap: 8 MiB here), so the resumed watches should need no compaction notice.
     */
    private static final int PUTS = 5_000;
    private static final int VALUE_BYTES = 1024;
    /** A node that died fails every put at once: stop writing then, the verdict is already in. */
    private static final int FAILURES_BEFORE_GIVING_UP = 20;
    /** Heap, direct memory, metaspace, code, thread stacks: what a 256 MiB-heap server may reach. */
    private static final long RSS_CEILING_BYTES = 768L << 20;

    @Test
    void watchersThatNeverReadCostBoundedMemoryAndMissNothingWhenTheyReadAgain(@TempDir Path dir) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:MaxDirectMemorySize=64m"));
        command.addAll(ServerJvm.COLLECTOR_FLAGS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "server"));
        try (LocalCluster cluster = LocalCluster.create(1, command, dir.resolve("cluster"), "slow-watchers", 16)) {
            cluster.startAll();
            assertEquals(1, cluster.awaitLeader(60_000), "the node elects itself");
            ManagedChannel writes = ManagedChannelBuilder.forAddress("127.0.0.1", cluster.clientPort(1)).usePlaintext().build();
            // The stalled readers get their own connection: HTTP/2 also limits what a whole connection may
            // hold unread, and the writers must not share that window.
            ManagedChannel stalled = ManagedChannelBuilder.forAddress("127.0.0.1", cluster.clientPort(1)).usePlaintext().build();
            // So does the stream checked at the end: unread bytes of the other stalled streams would hold
            // their connection's window shut for it too.
            ManagedChannel checkedChannel = ManagedChannelBuilder.forAddress("127.0.0.1", cluster.clientPort(1)).usePlaintext().build();
            try {
                byte[] value = new byte[VALUE_BYTES];
                long startRevision = KVGrpc.newBlockingStub(writes).put(PutRequest.newBuilder().setKey(hot())
                        .setValue(ByteString.copyFrom(value)).build()).getHeader().getRevision() + 1;
                StalledStream checked = StalledStream.open(checkedChannel, CHECKED_WATCHES, startRevision);
                List<StalledStream> others = new ArrayList<>();
                for (int s = 0; s < STALLED_STREAMS; s++) others.add(StalledStream.open(stalled, WATCHES_PER_STALLED_STREAM, startRevision));
                int watches = CHECKED_WATCHES + STALLED_STREAMS * WATCHES_PER_STALLED_STREAM;
                awaitCondition("the node serves all " + watches + " watches", 60,
                        () -> defaultGroup(cluster).path("watches").asInt() >= watches);

                RssSampler rss = new RssSampler(cluster.process(1).pid());
                rss.start();
                ConcurrentLinkedQueue<Long> acknowledged = new ConcurrentLinkedQueue<>();
                ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
                AtomicInteger claimed = new AtomicInteger();
                List<Thread> writers = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    Thread writer = new Thread(() -> {
                        KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(writes);
                        while (claimed.incrementAndGet() <= PUTS && failures.size() < FAILURES_BEFORE_GIVING_UP) {
                            try {
                                acknowledged.add(kv.withDeadlineAfter(10, TimeUnit.SECONDS).put(PutRequest.newBuilder().setKey(hot())
                                        .setValue(ByteString.copyFrom(value)).build()).getHeader().getRevision());
                            } catch (RuntimeException e) {
                                failures.add(e.getMessage());
                            }
                        }
                    }, "writer-" + w);
                    writer.start();
                    writers.add(writer);
                }
                for (Thread writer : writers) writer.join(180_000);
                JsonNode group = defaultGroup(cluster);
                rss.stop();

                assertEquals(List.of(), List.copyOf(failures), "every put is acknowledged while 2,000 watchers do not read");
                assertEquals(PUTS, acknowledged.size(), "every put was made");
                assertTrue(cluster.process(1).isAlive() && cluster.unexpectedExits().isEmpty(),
                        "the node stays up: " + cluster.unexpectedExits());
                assertTrue(group.path("watchesBlocked").asInt() > 0, "the node holds back watches whose client stopped reading: " + group);
                assertTrue(group.path("watchBlockedBufferedEvents").asLong() <= 100_000, "their buffer stays within its bound: " + group);
                System.out.printf("slow watchers: %d puts acknowledged, %d of %d watches held back, %d events buffered for them,"
                        + " node resident memory at most %d MiB%n", acknowledged.size(), group.path("watchesBlocked").asInt(), watches,
                        group.path("watchBlockedBufferedEvents").asLong(), rss.maxBytes() >> 20);
                assertTrue(rss.maxBytes() > 0 && rss.maxBytes() < RSS_CEILING_BYTES,
                        "resident memory stays under " + (RSS_CEILING_BYTES >> 20) + " MiB: " + (rss.maxBytes() >> 20) + " MiB");

                // The checked stream starts reading: each of its watches must get exactly the acknowledged revisions.
                List<Long> expected = acknowledged.stream().sorted().toList();
                long last = expected.get(expected.size() - 1);
                checked.read();
                try {
                        awaitCondition("the resumed watches reach revision " + last + " or end", 60,
                            () -> checked.watchIds().size() == CHECKED_WATCHES && checked.watchIds().stream()
                                    .allMatch(id -> checked.lastRevision(id) >= last || checked.compactRevision(id) > 0));
                } catch (AssertionError timedOut) {
                    throw new AssertionError(timedOut.getMessage() + "; the stream got to " + checked.lastRevisions() + ", problems "
                            + checked.problems() + "; the node says " + defaultGroup(cluster), timedOut);
                }
                for (Map.Entry<Long, List<Long>> seen : checked.revisionsByWatch().entrySet()) {
                    long watchId = seen.getKey();
                    List<Long> revisions = seen.getValue();
                    long compactRevision = checked.compactRevision(watchId);
                    if (compactRevision > 0) {
                        // Legal, as in etcd: history the watch still needed was compacted. What it saw must
                        // still be gap-free, and the compaction must really have passed its next revision.
                        long next = revisions.isEmpty() ? startRevision : revisions.get(revisions.size() - 1) + 1;
                        assertTrue(compactRevision > next, "watch " + watchId + " canceled at compaction " + compactRevision
                                + " although revision " + next + " was still there");
                        assertEquals(expected.subList(0, revisions.size()), revisions, "watch " + watchId + " gap-free until its compaction");
                        System.out.printf("slow watchers: watch %d met a compaction at %d after %d events%n", watchId, compactRevision, revisions.size());
                    } else {
                        assertEquals(expected, revisions, "watch " + watchId + " sees every acknowledged put once, in order");
                    }
                }
                assertEquals(List.of(), checked.problems(), "the resumed stream failed");
                for (StalledStream other : others) other.cancel();
            } finally {
                writes.shutdownNow();
                stalled.shutdownNow();
                checkedChannel.shutdownNow();
            }
        }
    }

    private static ByteString hot() {
        return ByteString.copyFrom("hot", StandardCharsets.UTF_8);
    }

    private static JsonNode defaultGroup(LocalCluster cluster) {
        JsonNode status = cluster.status(1);
        return status == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : status.path("groups").path("1");
    }

    private static void awaitCondition(String what, int timeoutSeconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
            Thread.sleep(20);
        }
    }

    /** One watch stream whose client does not read (gRPC's automatic inbound flow control is off) until {@link #read}. */
    private static final class StalledStream implements ClientResponseObserver<WatchRequest, WatchResponse> {
        private volatile ClientCallStreamObserver<WatchRequest> requests;
        private final Map<Long, List<Long>> revisionsByWatch = new TreeMap<>();
        private final Map<Long, Long> lastRevisions = new TreeMap<>();
        private final Map<Long, Long> compactRevisions = new TreeMap<>();
        private final List<String> problems = new ArrayList<>();

        static StalledStream open(ManagedChannel channel, int watches, long startRevision) {
            StalledStream stream = new StalledStream();
            WatchGrpc.newStub(channel).watch(stream);
            for (int i = 0; i < watches; i++) {
                stream.requests.onNext(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
                        .setKey(hot()).setStartRevision(startRevision)).build());
            }
            return stream;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
            requests = requestStream;
            requestStream.disableAutoRequestWithInitial(0);
        }

        void read() {
            requests.request(Integer.MAX_VALUE);
        }

        void cancel() {
            requests.cancel("test over", null);
        }

        @Override
        public synchronized void onNext(WatchResponse response) {
            if (response.getCanceled() && response.getCompactRevision() > 0) {
                compactRevisions.put(response.getWatchId(), response.getCompactRevision());
            } else if (response.getCanceled()) {
                problems.add("watch " + response.getWatchId() + " canceled: " + response.getCancelReason());
            }
            if (response.getCreated()) revisionsByWatch.put(response.getWatchId(), new ArrayList<>());
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

        synchronized List<Long> watchIds() {
            return List.copyOf(revisionsByWatch.keySet());
        }

        synchronized long lastRevision(long watchId) {
            return lastRevisions.getOrDefault(watchId, 0L);
        }

        synchronized long compactRevision(long watchId) {
            return compactRevisions.getOrDefault(watchId, 0L);
        }

        synchronized Map<Long, Long> lastRevisions() {
            return new TreeMap<>(lastRevisions);
        }

        synchronized Map<Long, List<Long>> revisionsByWatch() {
            return new TreeMap<>(revisionsByWatch);
        }

        synchronized List<String> problems() {
            return List.copyOf(problems);
        }
    }

    /** The highest resident set size of a process, read from /proc every 100 ms. */
    private static final class RssSampler {
        private final Path statusFile;
        private final AtomicLong maxBytes = new AtomicLong();
        private volatile boolean running = true;
        private final Thread thread;

        RssSampler(long pid) {
            statusFile = Path.of("/proc", Long.toString(pid), "status");
            thread = new Thread(this::sample, "rss-sampler");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(5_000);
            sampleOnce();
        }

        long maxBytes() {
            return maxBytes.get();
        }

        private void sample() {
            while (running) {
                sampleOnce();
                try {
                    Thread.sleep(100); // a sampling period, not a wait for a condition
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void sampleOnce() {
            try {
                for (String line : Files.readAllLines(statusFile)) {
                    if (line.startsWith("VmRSS:")) {
                        long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
                        maxBytes.accumulateAndGet(kib * 1024, Math::max);
                    }
                }
            } catch (IOException | NumberFormatException processGone) {
                // the process ended: the liveness assertion reports it
            }
        }
    }
}
