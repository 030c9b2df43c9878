package parley.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import parley.membership.sim.RunReport;
import parley.membership.sim.Scenario;
import parley.membership.sim.ScenarioRunner;
import parley.membership.sim.WorldConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code parley sim membership}: SWIM with Lifeguard at scale in the membership world, one deterministic
 * run per seed: a fully formed cluster, K crashes after the warm-up, and what every running node's view
 * showed. With {@code --sweep}, runs the standard grid and writes the plots.
 */
@Command(
        name = "membership",
        mixinStandardHelpOptions = true,
        description = {
            "Runs SWIM with Lifeguard (the parley.membership core) at scale in a lean deterministic world: "
                    + "N nodes, message loss, slow nodes (inbound delay and stalls), K crashes after a warm-up.",
            "Reports per seed: time to first detection and to full dissemination of the crash (every running "
                    + "node has it DEAD), in protocol periods and seconds; false suspicions and false removals per "
                    + "node-hour; messages per node per second.",
            "--sweep runs detection time against N and false positives against loss (with and without "
                    + "Lifeguard) and writes SVG plots to --plot DIR."
        })
final class SimMembershipCommand implements Callable<Integer> {
    @Option(names = "--nodes", defaultValue = "1000", description = "Cluster size (default ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--loss", defaultValue = "0.01", description = "Message loss: a probability (0.05) or a percentage (5%%) (default ${DEFAULT-VALUE}).")
    String loss;

    @Option(names = "--slow", defaultValue = "0", description = "Fraction of slow nodes: inbound delay and stalls (default ${DEFAULT-VALUE}).")
    double slow;

    @Option(names = "--slow-delay-ms", defaultValue = "200", description = "Mean inbound delay of a slow node (default ${DEFAULT-VALUE}).")
    long slowDelayMs;

    @Option(names = "--stall-max-ms", defaultValue = "2000", description = "Longest stall of a slow node, 0.2 s to this, every ~20 s (default ${DEFAULT-VALUE}).")
    long stallMaxMs;

    @Option(names = "--crash", defaultValue = "1", description = "Nodes crashed at once after the warm-up (default ${DEFAULT-VALUE}).")
    int crash;

    @Option(names = "--seeds", defaultValue = "1..5", description = "Seeds: 7, 1..100 or 1,5,9 (default ${DEFAULT-VALUE}).")
    String seeds;

    @Option(names = "--lifeguard", defaultValue = "on", description = "Lifeguard on or off (plain SWIM) (default ${DEFAULT-VALUE}).")
    String lifeguard;

    @Option(names = "--warmup-s", defaultValue = "5", description = "Simulated seconds before the crash (default ${DEFAULT-VALUE}).")
    long warmupS;

    @Option(names = "--duration-s", defaultValue = "0", description = "Least simulated seconds per run, e.g. 600 to measure false positives over 10 minutes (default ${DEFAULT-VALUE}).")
    long durationS;

    @Option(names = "--max-s", defaultValue = "120", description = "Bound on simulated seconds per run; a crash not disseminated by then counts as missed (default ${DEFAULT-VALUE}).")
    long maxS;

    @Option(names = "--threads", description = "Seeds run in parallel (default: the number of cores).")
    Integer threads;

    @Option(names = "--sweep", description = "Run the standard grid (N = 50..2000; loss 0..20%% with and without Lifeguard) instead of one configuration.")
    boolean sweep;

    @Option(names = "--plot", paramLabel = "DIR", description = "Write SVG plots of the sweep to DIR.")
    Path plotDir;

    @Override
    public Integer call() {
        double lossProbability = parseLoss(loss);
        boolean lifeguardOn = parseOnOff(lifeguard);
        List<Long> seedList = SeedRange.parse(seeds);
        int threadCount = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (threadCount < 1 || threadCount > 256) throw new UserError("--threads must be in 1..256, got " + threadCount);
        if (plotDir != null && !sweep) throw new UserError("--plot writes the plots of --sweep; add --sweep");
        WorldConfig base = baseConfig(lossProbability, lifeguardOn);
        Scenario scenario = scenario();
        if (crash >= nodes) throw new UserError("--crash must be below --nodes (" + crash + " >= " + nodes + ")");
        try {
            if (sweep) {
                return new MembershipSweep(System.out, threadCount, seedList, base, scenario, plotDir).run();
            }
            return runSeeds(base, scenario, seedList, threadCount);
        } catch (OutOfMemoryError e) {
            // Every node holds every member: memory grows with N^2 (about 60 bytes per pair) times the threads.
            long neededMb = (long) nodes * nodes * 60 / 1_000_000 * Math.min(threadCount, seedList.size());
            throw new UserError("out of memory simulating " + nodes + " nodes on " + threadCount + " thread(s) (about "
                    + neededMb + " MB of heap needed, " + Runtime.getRuntime().maxMemory() / 1_000_000
                    + " MB available); use fewer --threads or raise the heap, e.g. PARLEY_JAVA_OPTS=-Xmx10g");
        }
    }

    private WorldConfig baseConfig(double lossProbability, boolean lifeguardOn) {
        if (nodes < 2 || nodes > WorldConfig.NODES_MAX) throw new UserError("--nodes must be in 2.." + WorldConfig.NODES_MAX + ", got " + nodes);
        if (!(slow >= 0 && slow <= 1)) throw new UserError("--slow is a fraction of the nodes, in [0, 1], got " + slow);
        if (slowDelayMs < 0 || stallMaxMs < 0) throw new UserError("--slow-delay-ms and --stall-max-ms must be >= 0");
        try {
            return WorldConfig.lan(nodes, 1).withLoss(lossProbability).withSlowFraction(slow)
                    .withSlowProfile(slowDelayMs, 20_000, Math.min(200, stallMaxMs), stallMaxMs).withLifeguard(lifeguardOn);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }

    private Scenario scenario() {
        if (warmupS < 0 || durationS < 0 || maxS <= 0) throw new UserError("--warmup-s, --duration-s and --max-s must be >= 0 (--max-s > 0)");
        if (maxS < Math.max(warmupS, durationS)) throw new UserError("--max-s must be at least --warmup-s and --duration-s");
        if (crash < 0) throw new UserError("--crash must be >= 0, got " + crash);
        return new Scenario(crash, warmupS * 1000, durationS * 1000, maxS * 1000);
    }

    static double parseLoss(String text) {
        String t = text.strip();
        try {
            double value = t.endsWith("%") ? Double.parseDouble(t.substring(0, t.length() - 1)) / 100 : Double.parseDouble(t);
            if (!(value >= 0 && value < 1)) throw new UserError("--loss must be in [0, 1) (or 0%..99%), got " + text);
            return value;
        } catch (NumberFormatException e) {
            throw new UserError("--loss: '" + text + "' is not a number (expected e.g. 0.05 or 5%)");
        }
    }

    static boolean parseOnOff(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "on", "true", "yes" -> true;
            case "off", "false", "no" -> false;
            default -> throw new UserError("--lifeguard must be on or off, got '" + text + "'");
        };
    }

    private int runSeeds(WorldConfig base, Scenario scenario, List<Long> seedList, int threadCount) {
        PrintStream out = System.out;
        out.printf(Locale.ROOT, "parley sim membership: %d nodes, loss %.2f%%, slow %.1f%%, %d crash(es), lifeguard %s, %d seed(s) on %d thread(s)%n",
                base.nodes(), base.lossProbability() * 100, base.slowFraction() * 100, scenario.crashes(),
                base.swim().lifeguard() ? "on" : "off", seedList.size(), threadCount);
        boolean bigRun = (long) base.nodes() * Math.max(scenario.maxDurationMs(), 1) >= 2_000L * 120_000;
        printHeader(out);
        List<RunReport> reports = SeedRunner.run(seedList, threadCount, seed -> ScenarioRunner.run(base.withSeed(seed), scenario,
                bigRun ? (simNs, events, messages) -> out.printf(Locale.ROOT, "  ... seed %d: %.0f s simulated, %,d events%n", seed, simNs / 1e9, events)
                        : ScenarioRunner.Progress.NONE), report -> printRow(out, report));
        summarize(out, reports, scenario);
        return 0;
    }

    static void printHeader(PrintStream out) {
        out.printf("%-6s %16s %16s %16s %8s %12s %12s %9s %7s %8s%n", "seed", "first-detect", "all-suspect", "all-dead", "missed",
                "false-susp/h", "false-rem/h", "msg/n/s", "sim-s", "wall-ms");
    }

    static void printRow(PrintStream out, RunReport r) {
        out.printf(Locale.ROOT, "%-6d %16s %16s %16s %8d %12.2f %12.3f %9.2f %7.1f %8d%n", r.seed(),
                duration(r, r.firstDetectionNsMean()), duration(r, r.allAwareNsMax()), duration(r, r.allDeadNsMax()),
                r.crashes() - r.crashesDisseminated(), r.falseSuspicionsPerNodeHour(), r.falseDeathsPerNodeHour(),
                r.messagesPerNodeSecond(), r.simulatedNs() / 1e9, r.wallNs() / 1_000_000);
    }

    private static String duration(RunReport r, long ns) {
        if (r.crashes() == 0) return "-";
        if (ns < 0) return "never";
        return String.format(Locale.ROOT, "%.2fs/%.1fp", ns / 1e9, r.periods(ns));
    }

    private static void summarize(PrintStream out, List<RunReport> reports, Scenario scenario) {
        if (reports.isEmpty()) return;
        double nodeHours = reports.stream().mapToDouble(RunReport::nodeHours).sum();
        long falseSuspicions = reports.stream().mapToLong(RunReport::falseSuspicions).sum();
        long ofHealthy = reports.stream().mapToLong(RunReport::falseSuspicionsOfHealthy).sum();
        long falseRemovals = reports.stream().mapToLong(RunReport::falseDeaths).sum();
        double messages = reports.stream().mapToDouble(RunReport::messagesPerNodeSecond).average().orElse(0);
        long wallMs = reports.stream().mapToLong(RunReport::wallNs).sum() / 1_000_000;
        out.printf(Locale.ROOT, "%d seed(s), %.1f node-hours: false suspicions %.2f/node-hour (of members not slow: %.2f), false removals %.3f/node-hour (%d), %.2f messages/node/s, %.1f s of runs%n",
                reports.size(), nodeHours, falseSuspicions / nodeHours, ofHealthy / nodeHours, falseRemovals / nodeHours, falseRemovals, messages, wallMs / 1000.0);
        if (scenario.crashes() > 0) {
            long missed = reports.stream().filter(r -> !r.allDisseminated()).count();
            out.printf(Locale.ROOT, "crash detection: first %s, all-suspect %s, all-dead %s (median / p99 / max over seeds); %d seed(s) missed a crash within %d s%n",
                    stats(reports, RunReport::firstDetectionNsMean), stats(reports, RunReport::allAwareNsMax), stats(reports, RunReport::allDeadNsMax),
                    missed, scenario.maxDurationMs() / 1000);
        }
    }

    static String stats(List<RunReport> reports, java.util.function.ToLongFunction<RunReport> metric) {
        long[] values = reports.stream().mapToLong(metric).filter(v -> v >= 0).sorted().toArray();
        if (values.length == 0) return "never";
        return String.format(Locale.ROOT, "%.2f / %.2f / %.2f s", values[values.length / 2] / 1e9,
                values[Math.min(values.length - 1, (int) Math.ceil(values.length * 0.99) - 1)] / 1e9, values[values.length - 1] / 1e9);
    }

    static void writeFile(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError("cannot write " + file + ": " + SimCommand.describe(e));
        }
    }
}
