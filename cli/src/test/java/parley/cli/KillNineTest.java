package parley.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import parley.check.Action;
import parley.check.CheckBudget;
import parley.check.CheckResult;
import parley.check.Event;
import parley.check.EventType;
import parley.check.HistoryReader;
import parley.check.HistoryWriter;
import parley.check.LinearizabilityChecker;
import parley.check.Value;
import parley.check.Verdict;

/**
 * A real cluster of three server processes, clients over the etcd gRPC API, and kill -9 of the leader
 * in the middle of the load, then a restart from its data directory. What the clients saw is judged by
 * the linearizability checker; every acknowledged write must survive; the restarted node catches up.
 */
class KillNineTest {
    private static final int NODES = 3;

    @Test
    void killingTheLeaderLosesNoAcknowledgedWrite(@TempDir Path dir) throws Exception {
        int[] ports = freePorts(3 * NODES);
        List<Path> configs = writeConfigs(dir, ports);
        List<Process> processes = new ArrayList<>();
        List<ManagedChannel> channels = new ArrayList<>();
        try {
            for (int i = 0; i < NODES; i++) processes.add(spawn(configs.get(i), dir.resolve("n" + (i + 1) + ".log")));
            awaitLeader(ports, 30);
            for (int i = 0; i < NODES; i++) {
                channels.add(ManagedChannelBuilder.forAddress("127.0.0.1", clientPort(ports, i)).usePlaintext().build());
            }
            List<Event> history = new ArrayList<>();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                int process = c;
                Thread t = new Thread(() -> runClient(process, channels, history, stop));
                t.start();
                clients.add(t);
            }
            Thread.sleep(1500);
            int leader = awaitLeader(ports, 10);
            processes.get(leader).destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: no clean shutdown
            Thread.sleep(2000);
            processes.set(leader, spawn(configs.get(leader), dir.resolve("n" + (leader + 1) + ".restart.log")));
            Thread.sleep(2500);
            stop.set(true);
            for (Thread t : clients) t.join(30_000);

            List<Event> events;
            synchronized (history) {
                events = List.copyOf(history);
            }
            long ok = events.stream().filter(e -> e.type() == EventType.OK).count();
            assertTrue(ok > 100, "clients got work done: " + ok + " ok of " + events.size() + " events");
            CheckResult result = check(events);
            assertEquals(Verdict.LINEARIZABLE, result.verdict(), () -> result.witness() == null ? "" : result.witness().describe());
            // Every node, the restarted one included, converges on the same applied state.
            awaitConverged(ports, 20);
        } finally {
            channels.forEach(ManagedChannel::shutdownNow);
            for (Process p : processes) p.destroyForcibly();
        }
    }

    private static void runClient(int process, List<ManagedChannel> channels, List<Event> history, AtomicBoolean stop) {
        int proc = process;
        long counter = 0;
        while (!stop.get()) {
            String key = "k" + ThreadLocalRandom.current().nextInt(3);
            boolean read = ThreadLocalRandom.current().nextInt(3) == 0;
            long value = process * 1_000_000L + ++counter;
            KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channels.get(ThreadLocalRandom.current().nextInt(channels.size())))
                    .withDeadlineAfter(2, TimeUnit.SECONDS);
            Action action = read ? Action.READ : Action.WRITE;
            record(history, proc, EventType.INVOKE, action, key, read ? Value.NULL : Value.of(value));
            try {
                if (read) {
                    RangeResponse response = kv.range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).build());
                    Value seen = response.getKvsCount() == 0 ? Value.NULL
                            : Value.of(Long.parseLong(response.getKvs(0).getValue().toStringUtf8()));
                    record(history, proc, EventType.OK, action, key, seen);
                } else {
                    kv.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
                            .setValue(ByteString.copyFromUtf8(Long.toString(value))).build());
                    record(history, proc, EventType.OK, action, key, Value.of(value));
                }
            } catch (RuntimeException e) {
                // Unknown outcome (a timeout, a dead node, a leader change): info, then a fresh process id.
                record(history, proc, read ? EventType.FAIL : EventType.INFO, action, key, read ? Value.NULL : Value.of(value));
                proc += 100;
            }
        }
    }

    private static void record(List<Event> history, int process, EventType type, Action action, String key, Value value) {
        synchronized (history) {
            history.add(new Event(process, type, action, key, value, OptionalLong.of(System.nanoTime())));
        }
    }

    private static CheckResult check(List<Event> events) throws Exception {
        StringWriter text = new StringWriter();
        HistoryWriter writer = new HistoryWriter(text);
        events.forEach(writer::write);
        return new LinearizabilityChecker(new CheckBudget(30_000, 2_000_000))
                .check(HistoryReader.read(new StringReader(text.toString()), "kill-nine"));
    }

    private static int clientPort(int[] ports, int node) { return ports[3 * node]; }

    private static int peerPort(int[] ports, int node) { return ports[3 * node + 1]; }

    private static int httpPort(int[] ports, int node) { return ports[3 * node + 2]; }

    private static List<Path> writeConfigs(Path dir, int[] ports) throws IOException {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            StringBuilder text = new StringBuilder();
            text.append("node-id = ").append(i + 1).append("\ncluster-name = kill-nine\ninitial-cluster-state = new\ndata-dir = ").append(dir.resolve("n" + (i + 1)))
                    .append("\nhttp-listen = 127.0.0.1:").append(httpPort(ports, i))
                    .append("\nelection-timeout-ms-min = 300\nelection-timeout-ms-max = 600\nheartbeat-interval-ms = 50\n");
            for (int m = 0; m < NODES; m++) {
                text.append("member.").append(m + 1).append(" = 127.0.0.1:").append(peerPort(ports, m))
                        .append(" 127.0.0.1:").append(clientPort(ports, m)).append('\n');
            }
            Path file = dir.resolve("n" + (i + 1) + ".conf");
            Files.writeString(file, text.toString(), StandardCharsets.UTF_8);
            files.add(file);
        }
        return files;
    }

    private static Process spawn(Path config, Path log) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        return new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), "parley.cli.Main", "server",
                "--config", config.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static String status(int httpPort) {
        try {
            HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build()
                    .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/status")).timeout(Duration.ofSeconds(1)).build(),
                            HttpResponse.BodyHandlers.ofString());
            return r.body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** The index of the node that reports itself leader. */
    private static int awaitLeader(int[] ports, int timeoutS) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutS);
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < NODES; i++) if (status(httpPort(ports, i)).contains("\"role\" : \"leader\"")) return i;
            Thread.sleep(50);
        }
        throw new AssertionError("no leader within " + timeoutS + " s");
    }

    private static void awaitConverged(int[] ports, int timeoutS) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutS);
        List<String> revisions = List.of();
        while (System.nanoTime() < deadline) {
            revisions = new ArrayList<>();
            for (int i = 0; i < NODES; i++) {
                String s = status(httpPort(ports, i));
                int at = s.indexOf("\"revision\" : ");
                revisions.add(at < 0 ? "?" : s.substring(at + 13, s.indexOf(',', at)));
            }
            if (!revisions.contains("?") && revisions.stream().distinct().count() == 1) return;
            Thread.sleep(100);
        }
        throw new AssertionError("nodes did not converge: revisions " + revisions);
    }

    /** Free loopback ports below the ephemeral range (the torture module's {@link parley.torture.FreePorts}). */
    static int[] freePorts(int count) throws IOException {
        return parley.torture.FreePorts.pick(count);
    }
}
