package parley.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import parley.check.CheckBudget;
import parley.check.CheckResult;
import parley.check.History;
import parley.check.HistoryFormatException;
import parley.check.HistoryReader;
import parley.check.LinearizabilityChecker;
import parley.harness.RaftKvSimulation;
import parley.harness.RunSpec;
import parley.harness.SeedOutcome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code parley bench}: benchmarks, never timed tests. Each runs warm-up rounds first (the JIT), then
 * measured rounds one at a time on one thread, and reports medians, because shared machines are noisy.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks: 'bench sim' (simulator cost per seed) and 'bench check' (checker speed).",
        subcommands = {BenchCommand.Sim.class, BenchCommand.Check.class, BenchKvCommand.class, BenchIdleGroupsCommand.class, BenchStoreCommand.class})
final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Wall time per simulated seed and simulated messages per wall second. */
    @Command(name = "sim", mixinStandardHelpOptions = true,
            description = "Wall time per seed of the Raft KV simulation (one thread), and simulated messages per second.")
    static final class Sim implements Callable<Integer> {
        @Option(names = "--nodes", defaultValue = "5") int nodes;
        @Option(names = "--ops", defaultValue = "1000") int ops;
        @Option(names = "--clients", defaultValue = "5") int clients;
        @Option(names = "--faults", defaultValue = "all") String faults;
        @Option(names = "--seeds", defaultValue = "1..100", description = "Measured seeds (default ${DEFAULT-VALUE}).") String seeds;
        @Option(names = "--warmup-seeds", defaultValue = "30", description = "Seeds run first and not measured (default ${DEFAULT-VALUE}).") int warmupSeeds;

        @Override
        public Integer call() {
            List<Long> measured = SeedRange.parse(seeds);
            if (warmupSeeds < 0) throw new UserError("--warmup-seeds must be >= 0");
            RunSpec runSpec;
            try {
                runSpec = RunSpec.defaults().withNodes(nodes).withOps(ops).withClients(clients).withFaults(SimCommand.parseFaults(faults));
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
            RaftKvSimulation simulation = new RaftKvSimulation(runSpec);
            PrintStream out = System.out;
            out.printf("bench sim: %d nodes, %d clients, %d ops, faults %s; %d warm-up seeds, %d measured (one thread)%n",
                    nodes, clients, ops, faults, warmupSeeds, measured.size());
            for (long seed = 1_000_000; seed < 1_000_000 + warmupSeeds; seed++) simulation.run(seed);
            long[] wallNs = new long[measured.size()];
            long[] checkNs = new long[measured.size()];
            double[] messagesPerSecond = new double[measured.size()];
            double[] eventsPerSecond = new double[measured.size()];
            int failed = 0;
            for (int i = 0; i < measured.size(); i++) {
                SeedOutcome o = simulation.run(measured.get(i));
                if (o.verdict().failed()) failed++;
                wallNs[i] = o.wallNs();
                checkNs[i] = o.checkNs();
                messagesPerSecond[i] = o.messages() / (o.wallNs() / 1e9);
                eventsPerSecond[i] = o.events() / (o.wallNs() / 1e9);
            }
            out.printf(Locale.ROOT, "wall time per seed: median %.1f ms, p90 %.1f ms, max %.1f ms (of which checking: median %.1f ms)%n",
                    median(wallNs) / 1e6, percentile(wallNs, 0.9) / 1e6, Arrays.stream(wallNs).max().orElse(0) / 1e6, median(checkNs) / 1e6);
            out.printf(Locale.ROOT, "simulated messages per wall second: median %.0f; simulator events per wall second: median %.0f%n",
                    median(messagesPerSecond), median(eventsPerSecond));
            out.printf("seeds failed: %d of %d%n", failed, measured.size());
            return failed == 0 ? 0 : 1;
        }
    }

    /** Checker speed on history files. */
    @Command(name = "check", mixinStandardHelpOptions = true, description = "Checker time per history file (median of rounds).")
    static final class Check implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "FILE") List<Path> files;
        @Option(names = "--rounds", defaultValue = "10", description = "Measured rounds per file (default ${DEFAULT-VALUE}).") int rounds;
        @Option(names = "--warmup-rounds", defaultValue = "5") int warmupRounds;

        @Override
        public Integer call() {
            if (rounds < 1 || warmupRounds < 0) throw new UserError("--rounds must be >= 1 and --warmup-rounds >= 0");
            List<History> histories = new ArrayList<>();
            for (Path file : files) histories.add(read(file));
            LinearizabilityChecker checker = new LinearizabilityChecker(CheckBudget.DEFAULT);
            PrintStream out = System.out;
            out.printf("%-40s %7s %9s %-17s %10s %10s%n", "file", "ops", "clients", "verdict", "median-ms", "max-ms");
            for (History history : histories) {
                for (int i = 0; i < warmupRounds; i++) checker.check(history);
                long[] ns = new long[rounds];
                CheckResult result = null;
                for (int i = 0; i < rounds; i++) {
                    long start = System.nanoTime();
                    result = checker.check(history);
                    ns[i] = System.nanoTime() - start;
                }
                long clients = history.operations().stream().mapToInt(op -> op.process()).distinct().count();
                out.printf(Locale.ROOT, "%-40s %7d %9d %-17s %10.2f %10.2f%n", Path.of(history.name()).getFileName(),
                        history.operations().size(), clients, result.verdict().reportName(), median(ns) / 1e6,
                        Arrays.stream(ns).max().orElse(0) / 1e6);
            }
            return 0;
        }

        private static History read(Path file) {
            try {
                if (!Files.isRegularFile(file)) throw new UserError(file + ": no such file");
                return HistoryReader.read(file);
            } catch (IOException e) {
                throw new UserError(file + ": " + SimCommand.describe(e));
            } catch (HistoryFormatException e) {
                throw new UserError(e.getMessage());
            }
        }
    }

    static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length == 0 ? 0 : sorted[sorted.length / 2];
    }

    static double percentile(long[] values, double p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length == 0 ? 0 : sorted[sorted.length / 2];
    }
}
