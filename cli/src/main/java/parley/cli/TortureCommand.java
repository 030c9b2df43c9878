package parley.cli;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import parley.check.CheckReport;
import parley.torture.FaultKind;
import parley.torture.Netem;
import parley.torture.ReportHtml;
import parley.torture.ReportJson;
import parley.torture.TortureOptions;
import parley.torture.TortureResult;
import parley.torture.TortureRun;
import parley.torture.Workload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code parley torture}: fault testing of a real cluster started from this distribution (see
 * docs/torture.md). Exit 0: every check passed; 1: a check failed; 3: unknown (the checker's budget
 * ran out, nothing succeeded, or the cluster never came up); 2: bad flags.
 */
@Command(name = "torture", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs a real N-node cluster (separate processes on loopback) under a seeded nemesis (kill -9, SIGSTOP,",
            "partitions through per-link proxies, delays, flaky links, clock jumps, slow fsync), with etcd-API clients and",
            "watchers; then heals, and judges the history (linearizability), the watch streams and the replicas' state hashes.",
            "Writes history.jsonl, summary.json and report.html into the output directory. See docs/torture.md.",
            "Exit 0: valid; 1: invalid; 3: unknown; 2: usage error."})
final class TortureCommand implements Callable<Integer> {
    /** The test-only server main class with a planted bug (cli/src/test); found on the class path or next to this jar. */
    static final String PLANTED_BUG_MAIN = "parley.cli.PlantedBugServer";

    @Spec CommandSpec spec;

    @Option(names = "--nodes", defaultValue = "3", description = "Cluster size (default ${DEFAULT-VALUE}; 5 works too).")
    int nodes;

    @Option(names = "--duration-s", defaultValue = "60", description = "Seconds of load and faults before the final heal (default ${DEFAULT-VALUE}).")
    long durationS;

    @Option(names = "--clients", defaultValue = "8", description = "Concurrent clients (default ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--watchers", defaultValue = "2", description = "Concurrent watchers (default ${DEFAULT-VALUE}).")
    int watchers;

    @Option(names = "--keys", defaultValue = "8", description = "Keys the clients share (default ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--faults", defaultValue = "all", paramLabel = "KIND,...",
            description = "Faults to draw from: kill, pause, partition, isolate-leader, one-way, bridge, delay, flaky, clock, fsync, "
                    + "netem (needs --netns); 'all' (every one but netem; with --netns netem too) or 'none' (default ${DEFAULT-VALUE}).")
    String faults;

    @Option(names = "--fault-interval-ms", defaultValue = "5000", description = "From one fault's start to the next's (default ${DEFAULT-VALUE}).")
    long faultIntervalMs;

    @Option(names = "--fault-duration-ms", description = "How long each fault is held (default: 60%% of the interval).")
    Long faultDurationMs;

    @Option(names = "--seed", description = "Seeds the fault schedule and the clients' choices (default: random, printed).")
    Long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory: configs, data, node logs, history, report (default .parley/torture/SEED).")
    Path out;

    @Option(names = "--op-timeout-ms", defaultValue = "1000", description = "A client gives up on an operation after this long; its outcome is then unknown (default ${DEFAULT-VALUE}).")
    long opTimeoutMs;

    @Option(names = "--check-time-budget-ms", defaultValue = "120000", description = "The linearizability checker's time budget (default ${DEFAULT-VALUE}); beyond it the verdict is unknown.")
    long checkTimeBudgetMs;

    @Option(names = "--planted-bug", description = {"Run a test-only server build whose leader counts an entry committed as soon as it appended it",
            "(Raft's commit before a quorum has it). The run must fail. Needs the test classes (cli/target/test-classes)."})
    boolean plantedBug;

    @Option(names = "--netns", description = "Run the whole test in a private network namespace (unshare -n) and allow the netem fault: real packet delay and loss on its loopback (tc netem, or tbf where netem is missing).")
    boolean netns;

    @Option(names = "--inside-netns", hidden = true, description = "Set by --netns on the re-executed run inside the namespace.")
    boolean insideNetns;

    @Option(names = "--server-main-class", hidden = true, description = "Main class that runs one server (for tests).")
    String serverMainClass;

    @Override
    public Integer call() throws Exception {
        if (netns && !insideNetns) return reExecInNamespace();
        Set<FaultKind> kinds = faultKinds();
        long seedValue = seed != null ? seed : ThreadLocalRandom.current().nextLong(1, 1_000_000_000L);
        Path outDir = out != null ? out : Path.of(".parley", "torture", Long.toString(seedValue));
        if (Files.exists(outDir) && !isEmptyDirectory(outDir)) {
            throw new UserError("output directory " + outDir + " is not empty; give another --out or remove it");
        }
        TortureOptions options;
        try {
            options = new TortureOptions(nodes, durationS * 1000, clients, watchers, Workload.standard(keys), kinds, faultIntervalMs,
                    faultDurationMs != null ? faultDurationMs : faultIntervalMs * 6 / 10, seedValue, opTimeoutMs, outDir,
                    serverCommand(), checkTimeBudgetMs);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        if (insideNetns) Netem.loopbackUp();
        TortureResult result;
        try {
            result = new TortureRun(options, System.out).run();
        } catch (TortureRun.SetupException e) {
            System.err.println("parley torture: unknown: " + e.getMessage());
            return CheckReport.EXIT_UNKNOWN;
        }
        Path summary = outDir.resolve("summary.json");
        Path report = outDir.resolve("report.html");
        ReportJson.write(result, summary);
        ReportJson.writeOps(result, outDir.resolve("ops.jsonl"));
        ReportHtml.write(result, report);
        print(result, summary, report);
        return result.exitCode();
    }

    private Set<FaultKind> faultKinds() {
        Set<FaultKind> kinds;
        try {
            kinds = faults.equals("all") && (netns || insideNetns) ? EnumSet.allOf(FaultKind.class) : FaultKind.parseList(faults);
        } catch (IllegalArgumentException e) {
            throw new UserError("--faults: " + e.getMessage());
        }
        if (kinds.contains(FaultKind.NETEM) && !insideNetns) {
            throw new UserError("--faults netem changes loopback's packets and is only allowed with --netns (a private network namespace)");
        }
        return kinds;
    }

    /** {@code java -cp CP MAIN server}: this very distribution (or, with --planted-bug, its test build). */
    private List<String> serverCommand() {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classPath = System.getProperty("java.class.path");
        String main = serverMainClass != null ? serverMainClass : plantedBug ? PLANTED_BUG_MAIN : Main.class.getName();
        if (plantedBug || serverMainClass != null) classPath = withClassOf(main, classPath);
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m"));
        command.addAll(ServerJvm.COLLECTOR_FLAGS);
        command.addAll(List.of("-cp", classPath, main));
        if (main.equals(Main.class.getName())) command.add("server");
        return command;
    }

    /** The class path, plus cli/target/test-classes when {@code main} is not on it already (the planted bug is test code). */
    private static String withClassOf(String main, String classPath) {
        try {
            Class.forName(main, false, TortureCommand.class.getClassLoader());
            return classPath;
        } catch (ClassNotFoundException notHere) {
            try {
                Path codeSource = Path.of(TortureCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                Path testClasses = codeSource.getParent().resolve("test-classes");
                if (Files.exists(testClasses.resolve(main.replace('.', '/') + ".class"))) {
                    return classPath + java.io.File.pathSeparator + testClasses;
                }
            } catch (URISyntaxException | RuntimeException ignored) {
                // fall through to the error
            }
            throw new UserError(main + " is test code and is not on the class path; build the tests (./mvnw -pl cli -am test-compile) "
                    + "so that cli/target/test-classes holds it, or run the test suite (TortureTest)");
        }
    }

    /** --netns: the same command again, inside a fresh network namespace whose loopback is ours alone. */
    private int reExecInNamespace() throws IOException, InterruptedException {
        if (!Netem.available()) {
            throw new UserError("--netns needs 'unshare -n' and 'tc qdisc' with netem or tbf (root or CAP_NET_ADMIN, iproute2, the sch_netem or sch_tbf module); not available here");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> argv = new ArrayList<>(List.of("unshare", "-n", "--", java, "-Xss8m", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        argv.addAll(spec.commandLine().getParseResult().originalArgs()); // starts with "torture"
        argv.add("--inside-netns");
        return new ProcessBuilder(argv).inheritIO().start().waitFor();
    }

    private static boolean isEmptyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return false;
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private static void print(TortureResult r, Path summary, Path report) {
        System.out.printf("torture: %s (exit %d)%n", r.outcome().name().toLowerCase(), r.exitCode());
        for (String f : r.failures()) System.out.println("  failed: " + f);
        System.out.printf("  %d operations in %.1f s (%.0f/s): %d ok, %d fail, %d info; ok latency p50 %.1f ms, p99 %.1f ms%n",
                r.ops().size(), r.runNs() / 1e9, r.opsPerSecond(), r.okCount(), r.count(parley.check.EventType.FAIL),
                r.count(parley.check.EventType.INFO), r.latencyMsQuantile(0.5), r.latencyMsQuantile(0.99));
        System.out.printf("  faults injected: %d (%s)%n", r.faults().size(),
                r.faults().stream().map(w -> w.kind().cliName()).distinct().sorted().toList());
        CheckReport.humanLines(r.linearizability()).forEach(line -> System.out.println("  " + line));
        System.out.println("  watches: " + (r.watches().passed() ? "passed" : r.watches().problemCount() + " problems") + " ("
                + r.watches().revisionsChecked() + " revisions)");
        r.watches().problems().forEach(p -> System.out.println("    " + p));
        System.out.println("  replicas: " + (r.replicas().passed() ? "same state at applied index "
                + (r.replicas().states().isEmpty() ? "?" : r.replicas().states().get(0).appliedIndex()) : String.join("; ", r.replicas().problems())));
        r.unexpectedExits().forEach(e -> System.out.println("  unexpected exit: " + e));
        r.nemesisErrors().forEach(e -> System.out.println("  nemesis: " + e));
        System.out.println("  report: " + report);
        System.out.println("  summary: " + summary);
    }
}
