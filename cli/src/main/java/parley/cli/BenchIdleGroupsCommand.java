package parley.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import parley.server.KeyspaceAdminApi;
import parley.torture.FreePorts;
import parley.torture.NodeHttp;
import parley.torture.NodeProcess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code parley bench idle-groups}: what idle Raft groups cost. Starts a cluster of server processes,
 * creates many keyspaces (one Raft group each on every node), waits until every group has a leader and
 * (with quiescence) every group is quiesced, then reads each server's CPU time from /proc over a
 * measurement window and reports it as a share of one core. Run it with {@code --quiesce off} beside
 * the default to see what quiescence saves.
 */
@Command(name = "idle-groups", mixinStandardHelpOptions = true,
        description = {"CPU per node of a cluster holding many idle Raft groups (one per keyspace), from /proc, over a window.",
                "Example: parley bench idle-groups --groups 1000 --measure-s 30"})
final class BenchIdleGroupsCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Linux reports process times in clock ticks of 1/100 s (sysconf(_SC_CLK_TCK) on every mainstream kernel build). */
    private static final double CLOCK_TICKS_PER_S = 100;

    @Option(names = "--groups", defaultValue = "1000", description = "Keyspaces to create, each a Raft group on every node (default ${DEFAULT-VALUE}).")
    int groups;

    @Option(names = "--nodes", defaultValue = "3", description = "Server processes (default ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--measure-s", defaultValue = "30", description = "Length of the measured idle window (default ${DEFAULT-VALUE}).")
    int measureS;

    @Option(names = "--quiesce", defaultValue = "on", description = "on (default) or off: whether idle groups quiesce.")
    String quiesce;

    @Option(names = "--budget-percent", defaultValue = "5", description = "Per-node CPU budget; exit 1 above it (default ${DEFAULT-VALUE}).")
    double budgetPercent;

    @Option(names = "--dir", description = "Where the cluster's data and logs go (default: a new temporary directory, deleted after).")
    Path dir;

    @Option(names = "--ready-timeout-s", defaultValue = "600", description = "Give up when the groups are not all led (and quiesced) by then (default ${DEFAULT-VALUE}).")
    int readyTimeoutS;

    @Override
    public Integer call() throws Exception {
        try {
            return measure();
        } catch (KvCommand.RemoteError e) {
            System.out.flush();
            System.err.println("parley: error: " + e.getMessage());
            return 1;
        }
    }

    private int measure() throws Exception {
        if (groups < 0 || groups > parley.keyspace.KeyspaceRegistry.KEYSPACES_MAX) {
            throw new UserError("--groups must be in 0.." + parley.keyspace.KeyspaceRegistry.KEYSPACES_MAX + ", got " + groups);
        }
        if (nodes < 1 || nodes > 9) throw new UserError("--nodes must be in 1..9, got " + nodes);
        if (measureS < 1) throw new UserError("--measure-s must be positive, got " + measureS);
        if (!quiesce.equals("on") && !quiesce.equals("off")) throw new UserError("--quiesce must be on or off, got " + quiesce);
        boolean temporary = dir == null;
        Path root = temporary ? Files.createTempDirectory("parley-idle-groups") : dir;
        PrintStream out = System.out;
        int[] ports = FreePorts.pick(3 * nodes);
        List<NodeProcess> processes = new ArrayList<>();
        ManagedChannel channel = null;
        try {
            for (int i = 1; i <= nodes; i++) {
                Path config = root.resolve("n" + i + ".conf");
                Files.writeString(config, configText(i, root, ports), StandardCharsets.UTF_8);
                NodeProcess process = new NodeProcess(i, serverCommand(), config, root);
                process.start();
                processes.add(process);
            }
            out.printf("bench idle-groups: %d nodes, %d keyspaces (+ the default and metadata groups), quiesce %s; data in %s%n",
                    nodes, groups, quiesce, root);
            long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(readyTimeoutS);
            await(() -> allNodes(ports, status -> status.path("groups").size() >= 2 && led(status) == status.path("groups").size()),
                    deadlineNs, "every node's default and metadata groups have leaders");
            channel = ManagedChannelBuilder.forAddress("127.0.0.1", ports[0]).usePlaintext().build();
            long createStartNs = System.nanoTime();
            for (int k = 0; k < groups; k++) createKeyspace(channel, k, deadlineNs);
            out.printf("  created %d keyspaces in %.1f s%n", groups, (System.nanoTime() - createStartNs) / 1e9);
            int expected = groups + 2;
            boolean quiescing = quiesce.equals("on");
            await(() -> allNodes(ports, status -> status.path("groups").size() == expected && led(status) == expected
                    && (!quiescing || quiesced(status) == expected)), deadlineNs,
                    "every node hosts " + expected + " groups, each led" + (quiescing ? " and quiesced" : ""));
            long[] before = new long[nodes];
            for (int i = 0; i < nodes; i++) before[i] = cpuTicks(processes.get(i).pid());
            long windowStartNs = System.nanoTime();
            Thread.sleep(TimeUnit.SECONDS.toMillis(measureS)); // the measured window itself: nothing to wait for
            double windowS = (System.nanoTime() - windowStartNs) / 1e9;
            double worst = 0;
            out.printf("  %-6s %8s %9s %14s %12s%n", "node", "groups", "quiesced", "cpu-ms per s", "% of a core");
            for (int i = 0; i < nodes; i++) {
                double cpuS = (cpuTicks(processes.get(i).pid()) - before[i]) / CLOCK_TICKS_PER_S;
                double percent = 100 * cpuS / windowS;
                worst = Math.max(worst, percent);
                JsonNode status = status(ports[2 * nodes + i]);
                out.printf("  n%-5d %8d %9d %14.1f %11.2f%%%n", i + 1, status.path("groups").size(), quiesced(status), 1000 * cpuS / windowS, percent);
            }
            boolean withinBudget = worst <= budgetPercent;
            out.printf("  worst node: %.2f%% of a core over %.1f s (budget %.1f%%): %s%n", worst, windowS, budgetPercent,
                    withinBudget ? "within budget" : "OVER BUDGET");
            return withinBudget ? 0 : 1;
        } finally {
            if (channel != null) channel.shutdownNow();
            for (NodeProcess process : processes) process.stop();
            if (temporary) deleteTree(root);
        }
    }

    private String configText(int node, Path root, int[] ports) {
        StringBuilder text = new StringBuilder();
        text.append("node-id = ").append(node).append('\n');
        text.append("cluster-name = bench-idle-groups\n");
        text.append("data-dir = ").append(root.resolve("n" + node).toAbsolutePath()).append('\n');
        text.append("client-listen = 127.0.0.1:").append(ports[node - 1]).append('\n');
        text.append("http-listen = 127.0.0.1:").append(ports[2 * nodes + node - 1]).append('\n');
        text.append("quiesce = ").append(quiesce).append('\n');
        text.append("initial-cluster-state = new\n");
        for (int i = 1; i <= nodes; i++) {
            text.append("member.").append(i).append(" = 127.0.0.1:").append(ports[nodes + i - 1]).append(" 127.0.0.1:").append(ports[i - 1]).append('\n');
        }
        return text.toString();
    }

    /** {@code java -cp CP parley.cli.Main server}: this very distribution, with the default heap. */
    private static List<String> serverCommand() {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new java.util.ArrayList<>(List.of(java));
        command.addAll(ServerJvm.COLLECTOR_FLAGS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "server"));
        return command;
    }

    private static void createKeyspace(ManagedChannel channel, int k, long deadlineNs) throws Exception {
        JsonNode request = JSON.createObjectNode().put("name", "idle-" + k).put("prefix", "idle/" + k + "/").put("wait", false);
        while (true) {
            try {
                ClientCalls.blockingUnaryCall(channel, KeyspaceAdminApi.CREATE, CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS), request);
                return;
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() == io.grpc.Status.Code.ALREADY_EXISTS) return; // a retry of one that went through
                if (System.nanoTime() > deadlineNs) throw e;
                Thread.sleep(50); // an election or a contended registry: try again
            }
        }
    }

    private static int led(JsonNode status) {
        int led = 0;
        for (JsonNode group : status.path("groups")) if (group.path("leader").asLong(0) != 0) led++;
        return led;
    }

    private static int quiesced(JsonNode status) {
        int quiesced = 0;
        for (JsonNode group : status.path("groups")) if (group.path("quiesced").asBoolean(false)) quiesced++;
        return quiesced;
    }

    private boolean allNodes(int[] ports, java.util.function.Predicate<JsonNode> ok) {
        for (int i = 0; i < nodes; i++) {
            JsonNode status = status(ports[2 * nodes + i]);
            if (status == null || !ok.test(status)) return false;
        }
        return true;
    }

    /** A /status answer (with a thousand groups it is large: a longer timeout than torture's). */
    private static JsonNode status(int httpPort) {
        return NodeHttp.status(httpPort, Duration.ofSeconds(5));
    }

    private static void await(java.util.function.BooleanSupplier condition, long deadlineNs, String what) throws InterruptedException {
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadlineNs) throw new KvCommand.RemoteError("timed out waiting until " + what + " (--ready-timeout-s)");
            Thread.sleep(200);
        }
    }

    /** User plus system CPU time of process {@code pid} so far, in clock ticks (/proc/PID/stat fields 14 and 15). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static void deleteTree(Path root) throws IOException {
        try (var files = Files.walk(root)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(file);
        }
    }
}
