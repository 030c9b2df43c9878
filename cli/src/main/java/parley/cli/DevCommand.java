package parley.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
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
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code parley dev}: a local 3-node cluster as three separate OS processes on loopback, with data in a
 * directory it prints and reuses, stopped cleanly on Ctrl-C.
 */
@Command(name = "dev", mixinStandardHelpOptions = true,
        description = "Starts a local cluster of separate server processes on 127.0.0.1, waits until it is healthy, "
                + "prints its endpoints, restarts a node that dies, and stops everything on Ctrl-C. "
                + "Data is kept for the next start.")
final class DevCommand implements Callable<Integer> {
    @Option(names = "--nodes", defaultValue = "3", description = "Servers to start (default ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--data-dir", defaultValue = ".parley/dev", description = "Where each node keeps its data (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--base-port", defaultValue = "2379",
            description = "Node i listens for clients on base+100*(i-1), for peers one above, for HTTP 7000 above (default ${DEFAULT-VALUE}).")
    int basePort;

    @Option(names = "--healthy-timeout-s", defaultValue = "60", description = "Give up when the cluster is not healthy by then (default ${DEFAULT-VALUE}).")
    int healthyTimeoutS;

    @Override
    public Integer call() throws Exception {
        if (nodes < 1 || nodes > 9) throw new UserError("--nodes must be in 1..9, got " + nodes);
        if (basePort < 1024 || basePort + 100 * nodes + 7001 > 65535) throw new UserError("--base-port out of range: " + basePort);
        Path dir = dataDir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserError("cannot create " + dir + ": " + SimCommand.describe(e));
        }
        String inTheWay = inTheWay(dir);
        if (inTheWay != null) throw new UserError(inTheWay);
        // A new cluster only when no node has data yet; a node wiped later joins (it votes once caught up).
        boolean fresh = true;
        for (int i = 1; i <= nodes; i++) fresh &= isEmptyDirectory(dir.resolve("n" + i));
        List<Path> configs = writeConfigs(dir, fresh);
        List<Process> processes = new ArrayList<>();
        CountDownLatch stop = new CountDownLatch(1);
        // Set before the nodes are stopped, and checked under the same lock as a restart: a node that the
        // hook is stopping must not look like one that died and be started again behind its back.
        java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            synchronized (processes) {
                stopAll(processes);
            }
            stop.countDown();
        }, "parley-dev-stop"));
        System.out.println("parley dev: starting " + nodes + " nodes; data and logs in " + dir);
        synchronized (processes) {
            for (int i = 1; i <= nodes && !stopping.get(); i++) processes.add(spawn(i, configs.get(i - 1), dir));
        }
        if (!awaitHealthy(processes)) {
            for (int i = 0; i < processes.size(); i++) {
                if (!processes.get(i).isAlive()) {
                    System.out.println("parley dev: node " + (i + 1) + " exited with " + processes.get(i).exitValue() + ": "
                            + lastLine(dir.resolve("n" + (i + 1) + ".log")));
                }
            }
            System.out.println("parley dev: the cluster did not become healthy in " + healthyTimeoutS + " s; see the logs in " + dir);
            stopAll(processes);
            return 1;
        }
        if (fresh) writeConfigs(dir, false); // founded: from now on an empty data directory means a lost one, which must join
        printUsage(dir);
        // Runs until Ctrl-C (the shutdown hook stops the nodes). A node that dies (say, kill -9 to see
        // what the others do) is restarted from its data directory, as a supervisor would.
        java.util.Set<Integer> givenUp = new java.util.TreeSet<>();
        while (!stop.await(1, TimeUnit.SECONDS)) {
            synchronized (processes) {
                for (int i = 0; i < processes.size() && !stopping.get(); i++) {
                    Process process = processes.get(i);
                    if (process.isAlive() || givenUp.contains(i)) continue;
                    Path log = dir.resolve("n" + (i + 1) + ".log");
                    if (process.exitValue() == Main.EXIT_USAGE) {
                        // It refused to start (its configuration, its data directory, a port): a restart would refuse again.
                        givenUp.add(i);
                        System.out.println("parley dev: node " + (i + 1) + " refused to start and stays down: " + lastLine(log));
                        continue;
                    }
                    System.out.println("parley dev: node " + (i + 1) + " exited with " + process.exitValue()
                            + " (log: " + log + "); restarting it from its data directory");
                    processes.set(i, spawn(i + 1, configs.get(i), dir));
                }
            }
        }
        return 0;
    }

    int clientPort(int node) { return basePort + 100 * (node - 1); }

    int peerPort(int node) { return clientPort(node) + 1; }

    int httpPort(int node) { return clientPort(node) + 7000; }

    /**
     * What would keep the cluster from starting, said before anything starts: a port another process
     * listens on (another parley dev, an etcd), or a node's data directory another process holds. Its
     * health checks would otherwise be answered by that other cluster. Null when nothing is in the way.
     */
    private String inTheWay(Path dir) {
        for (int i = 1; i <= nodes; i++) {
            int[] ports = {clientPort(i), peerPort(i), httpPort(i)};
            String[] kinds = {"client", "peer", "HTTP"};
            for (int k = 0; k < ports.length; k++) {
                try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
                    probe.bind(new java.net.InetSocketAddress("127.0.0.1", ports[k]));
                } catch (IOException e) {
                    return "port " + ports[k] + " (node " + i + "'s " + kinds[k] + " port) is in use by another process"
                            + " (another parley dev, an etcd?): stop it, or choose other ports with --base-port";
                }
            }
            Path lock = dir.resolve("n" + i).resolve("parley.lock");
            if (!Files.exists(lock)) continue;
            try (var channel = java.nio.channels.FileChannel.open(lock, java.nio.file.StandardOpenOption.WRITE)) {
                var held = channel.tryLock();
                if (held == null) return "data directory " + lock.getParent() + " is in use by another process (another parley dev?)";
                held.release();
            } catch (java.nio.channels.OverlappingFileLockException | IOException e) {
                return "data directory " + lock.getParent() + " is in use by another process (another parley dev?)";
            }
        }
        return null;
    }

    /** The last non-empty line of {@code log}, or a note that there is none. */
    static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) if (!lines.get(i).isBlank()) return lines.get(i).strip();
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
        return "(its log is empty)";
    }

    private static boolean isEmptyDirectory(Path path) throws IOException {
        if (!Files.isDirectory(path)) return true;
        try (var entries = Files.list(path)) {
            return entries.findAny().isEmpty();
        }
    }

    private List<Path> writeConfigs(Path dir, boolean founding) throws IOException {
        List<Path> files = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            StringBuilder text = new StringBuilder("# written by parley dev\n");
            text.append("node-id = ").append(i).append('\n')
                    .append("cluster-name = dev\n")
                    .append("initial-cluster-state = ").append(founding ? "new" : "existing").append('\n')
                    .append("data-dir = ").append(dir.resolve("n" + i)).append('\n')
                    .append("client-listen = 127.0.0.1:").append(clientPort(i)).append('\n')
                    .append("peer-listen = 127.0.0.1:").append(peerPort(i)).append('\n')
                    .append("http-listen = 127.0.0.1:").append(httpPort(i)).append('\n');
            for (int m = 1; m <= nodes; m++) {
                text.append("member.").append(m).append(" = 127.0.0.1:").append(peerPort(m))
                        .append(" 127.0.0.1:").append(clientPort(m)).append('\n');
            }
            Path file = dir.resolve("n" + i + ".conf");
            Files.writeString(file, text.toString(), StandardCharsets.UTF_8);
            files.add(file);
        }
        return files;
    }

    private static Process spawn(int node, Path config, Path dir) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx1g"));
        command.addAll(inheritedJvmFlags());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                "parley.cli.Main", "server", "--config", config.toString()));
        Path log = dir.resolve("n" + node + ".log");
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    /**
     * This JVM's flags, for the nodes: they run as {@code ./parley server} would (the launcher's collector,
     * stack size, native and Unsafe access, PARLEY_JAVA_OPTS), minus what must not be shared (heap size,
     * agents and debuggers, flight recordings that would write to one file).
     */
    static List<String> inheritedJvmFlags() {
        List<String> flags = new ArrayList<>();
        for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            boolean unshareable = flag.startsWith("-Xmx") || flag.startsWith("-Xms") || flag.startsWith("-agentlib")
                    || flag.startsWith("-agentpath") || flag.startsWith("-javaagent") || flag.startsWith("-XX:StartFlightRecording")
                    || flag.startsWith("-XX:FlightRecorderOptions") || flag.startsWith("-Xdebug") || flag.startsWith("-Xrunjdwp");
            if (!unshareable) flags.add(flag);
        }
        return flags;
    }

    private boolean awaitHealthy(List<Process> processes) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(healthyTimeoutS);
        long lastReportNs = 0;
        while (System.nanoTime() < deadline) {
            int healthy = 0;
            for (int i = 1; i <= nodes; i++) {
                if (!processes.get(i - 1).isAlive()) return false;
                if (isHealthy(http, i)) healthy++;
            }
            if (healthy == nodes) return true;
            if (System.nanoTime() - lastReportNs > TimeUnit.SECONDS.toNanos(2)) {
                System.out.println("parley dev: waiting for a leader ... " + healthy + "/" + nodes + " nodes healthy");
                lastReportNs = System.nanoTime();
            }
            Thread.sleep(100);
        }
        return false;
    }

    private boolean isHealthy(HttpClient http, int node) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort(node) + "/health"))
                    .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void printUsage(Path dir) {
        StringBuilder endpoints = new StringBuilder();
        for (int i = 1; i <= nodes; i++) endpoints.append(i == 1 ? "" : ",").append("127.0.0.1:").append(clientPort(i));
        System.out.println("parley dev: cluster healthy.");
        for (int i = 1; i <= nodes; i++) {
            System.out.printf("  node %d: clients 127.0.0.1:%d, peers 127.0.0.1:%d, http://127.0.0.1:%d/status /metrics /health%n",
                    i, clientPort(i), peerPort(i), httpPort(i));
        }
        System.out.println("Try:");
        System.out.println("  ETCDCTL_API=3 etcdctl --endpoints " + endpoints + " put greeting hello");
        System.out.println("  ETCDCTL_API=3 etcdctl --endpoints " + endpoints + " get greeting");
        System.out.println("  curl -s http://127.0.0.1:" + httpPort(1) + "/status");
        System.out.println("Data is kept in " + dir + " for the next start. Ctrl-C stops every node.");
    }

    private static void stopAll(List<Process> processes) {
        for (Process p : processes) if (p.isAlive()) p.destroy(); // SIGTERM: each node closes its log cleanly
        for (Process p : processes) {
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
    }
}
