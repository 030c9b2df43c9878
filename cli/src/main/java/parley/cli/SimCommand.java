package parley.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import parley.harness.RaftKvSimulation;
import parley.harness.Scenario;
import parley.harness.RunSpec;
import parley.harness.SeedOutcome;
import parley.harness.SimSuite;
import parley.sim.Trace;
import parley.sim.nemesis.FaultKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code parley sim}: runs the Raft KV store in the deterministic simulator under injected faults,
 * one run per seed, and checks each: invariants during the run, linearizability of the client
 * history, agreement of the replicas, and progress after the heal.
 */
@Command(
        name = "sim",
        mixinStandardHelpOptions = true,
        subcommands = {SimMembershipCommand.class},
        description = {
            "Runs a simulated Raft KV cluster under injected faults, one deterministic run per seed, "
                    + "and checks every run: invariants as it goes (election safety, state machine safety, "
                    + "durability order, gap-free watches), then linearizability of the client history, "
                    + "agreement of the replicas, and progress after the heal.",
            "Exit 0 only when every seed passes; a failure prints the command that replays it with --trace."
        })
final class SimCommand implements Callable<Integer> {
    @Option(names = "--nodes", defaultValue = "5", description = "Servers in the cluster (default ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--seeds", defaultValue = "1..20", description = "Seeds to run: 7, 1..500 or 1,5,9 (default ${DEFAULT-VALUE}).")
    String seeds;

    @Option(names = "--ops", defaultValue = "1000", description = "Client operations per seed (default ${DEFAULT-VALUE}).")
    int ops;

    @Option(names = "--clients", defaultValue = "5", description = "Concurrent clients (default ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--faults", defaultValue = "all", description = "Faults to inject: all, none, or a comma list of: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).",
            completionCandidates = FaultNames.class)
    String faults;

    @Option(names = "--fault-interval-ms", defaultValue = "500", description = "Mean time between injected faults (default ${DEFAULT-VALUE}).")
    long faultIntervalMs;

    @Option(names = "--keys", defaultValue = "5", description = "Registers the clients work on (default ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--read-percent", defaultValue = "40", description = "Share of client operations that are reads (default ${DEFAULT-VALUE}).")
    int readPercent;

    @Option(names = "--cas-percent", defaultValue = "20", description = "Share that are compare-and-sets; the rest are writes (default ${DEFAULT-VALUE}).")
    int casPercent;

    @Option(names = "--operator-interval-ms", defaultValue = "1000", description = "Mean time between the operator's leadership transfers and membership changes; 0 for none (default ${DEFAULT-VALUE}).")
    long operatorIntervalMs;

    @Option(names = "--lease-reads", description = "Serve reads from the leader's lease instead of a ReadIndex round (safe while clocks drift within Raft's maxClockDriftPpm; clock jumps on a quorum would break it).")
    boolean leaseReads;

    @Option(names = "--storage", description = "What keeps each server's Raft state: wal (the server's own write-ahead log, recovery and snapshot files on a simulated file system that loses unsynced writes, tears writes, loses unsynced directory entries and flips bits; the default) or journal (the simulator's lighter record journal).", defaultValue = "wal")
    String storage;

    @Option(names = "--trace", description = "Print the event-by-event timeline of the run (one seed only).")
    boolean trace;

    @Option(names = "--trace-file", paramLabel = "FILE", description = "Write the timeline to FILE instead of standard output (one seed only).")
    Path traceFile;

    @Option(names = "--save-history", paramLabel = "DIR", description = "Write each seed's client history to DIR/seed-N.jsonl (checkable with 'parley check').")
    Path historyDir;

    @Option(names = "--threads", description = "Seeds run in parallel (default: the number of cores).")
    Integer threads;

    @Option(names = "--twins", defaultValue = "0", description = "Give the first N servers a twin: a second server with the same identity "
            + "(Twins). Raft tolerates crashes, not lies, so expect the checks to fail: this shows that they see it.")
    int twins;

    @Option(names = "--fail-fast", description = "Stop at the first failing seed.")
    boolean failFast;

    @Option(names = "--quiet", description = "Print only failures, progress every 50 seeds, and the summary.")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
        List<Long> seedList = SeedRange.parse(seeds);
        RunSpec spec = spec();
        if (historyDir != null) createDirectory(historyDir);
        if (trace || traceFile != null) {
            if (seedList.size() != 1) throw new UserError("--trace replays one seed; give --seeds N");
            return replay(spec, seedList.get(0));
        }
        int threadCount = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (threadCount < 1 || threadCount > 256) throw new UserError("--threads must be in 1..256, got " + threadCount);
        return runSuite(spec, seedList, threadCount);
    }

    private RunSpec spec() {
        try {
            return RunSpec.defaults().withNodes(nodes).withClients(clients).withOps(ops)
                    .withFaults(parseFaults(faults)).withFaultIntervalMs(faultIntervalMs).withMix(readPercent, casPercent).withKeys(keys).withOperatorIntervalMs(operatorIntervalMs)
                    .withLeaseReads(leaseReads).withStorage(parseStorage(storage)).withTwins(twins);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }

    static Set<FaultKind> parseFaults(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("all")) return EnumSet.allOf(FaultKind.class);
        if (t.equals("none") || t.isEmpty()) return EnumSet.noneOf(FaultKind.class);
        Set<FaultKind> kinds = EnumSet.noneOf(FaultKind.class);
        for (String name : t.split(",")) {
            String n = name.strip().replace('-', '_').toUpperCase(Locale.ROOT);
            try {
                kinds.add(FaultKind.valueOf(n));
            } catch (IllegalArgumentException e) {
                throw new UserError("--faults: unknown fault '" + name.strip() + "'; known: all, none, " + String.join(", ", new FaultNames()));
            }
        }
        return kinds;
    }

    private int replay(RunSpec spec, long seed) throws IOException {
        PrintStream out = System.out;
        PrintWriter file = null;
        if (traceFile != null) {
            try {
                file = new PrintWriter(Files.newBufferedWriter(traceFile, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UserError("cannot write " + traceFile + ": " + describe(e));
            }
        }
        try {
            PrintWriter traceOut = file;
            Trace sink = traceOut != null ? Trace.to(traceOut::println) : Trace.to(out::println);
            Scenario.Run run = scenario(spec).run(seed, sink);
            if (historyDir != null) saveHistory(seed, run);
            SeedOutcome outcome = run.outcome();
            if (file != null) out.println("trace written to " + traceFile);
            printHeader(out);
            printRow(out, outcome);
            if (outcome.verdict().failed()) out.println("  " + outcome.detail().replace("\n", "\n  "));
            return outcome.verdict().failed() ? 1 : 0;
        } finally {
            if (file != null) file.close();
        }
    }

    private int runSuite(RunSpec spec, List<Long> seedList, int threadCount) {
        PrintStream out = System.out;
        out.printf("parley sim: %d nodes, %d clients, %d ops, faults %s, %d seed(s) on %d thread(s)%n",
                spec.nodes(), spec.clients(), spec.opsTotal(), faults, seedList.size(), threadCount);
        if (!quiet) printHeader(out);
        List<SeedOutcome> failures = new ArrayList<>();
        long[] wallNs = new long[seedList.size()];
        int[] done = {0};
        long startNs = System.nanoTime();
        new SimSuite(scenario(spec), threadCount).runRecorded(seedList, failFast, run -> {
            SeedOutcome outcome = run.outcome();
            wallNs[done[0]++] = outcome.wallNs();
            boolean failed = outcome.verdict().failed();
            if (failed) failures.add(outcome);
            if (!quiet || failed) {
                printRow(out, outcome);
                if (failed) {
                    out.println("  " + outcome.detail().replace("\n", "\n  "));
                    out.println("  replay: " + replayCommand(spec, outcome.seed()));
                }
            }
            if (quiet && done[0] % 50 == 0) {
                out.printf("  ... %d/%d seeds, %d failed, %.1f s%n", done[0], seedList.size(), failures.size(),
                        (System.nanoTime() - startNs) / 1e9);
            }
            if (historyDir != null) saveHistory(outcome.seed(), run);
        });
        long[] measured = Arrays.copyOf(wallNs, done[0]);
        Arrays.sort(measured);
        double medianS = measured.length == 0 ? 0 : measured[measured.length / 2] / 1e9;
        out.printf("%d seed(s): %d passed, %d failed; median %.3f s per seed; %.1f s in all%n",
                done[0], done[0] - failures.size(), failures.size(), medianS, (System.nanoTime() - startNs) / 1e9);
        return failures.isEmpty() ? 0 : 1;
    }

    /** The scenario {@code parley sim} runs: the Raft KV store (the byzantine and eventual keyspaces will add theirs). */
    private static Scenario scenario(RunSpec spec) {
        return new RaftKvSimulation(spec);
    }

    private void saveHistory(long seed, Scenario.Run run) {
        Path file = historyDir.resolve("seed-" + seed + ".jsonl");
        try {
            Files.writeString(file, RaftKvSimulation.historyText(run.history()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError("cannot write " + file + ": " + describe(e));
        }
    }

    private static void createDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserError("cannot create directory " + dir + ": " + describe(e));
        }
    }

    /** IOExceptions from java.nio often carry only the path; name the kind of failure too. */
    static String describe(IOException e) {
        String kind = switch (e) {
            case java.nio.file.NoSuchFileException x -> "no such file or directory";
            case java.nio.file.AccessDeniedException x -> "permission denied";
            case java.nio.file.FileAlreadyExistsException x -> "already exists (and is not a directory?)";
            case java.nio.file.NotDirectoryException x -> "not a directory";
            default -> e.getClass().getSimpleName();
        };
        String detail = e.getMessage() == null ? "" : e.getMessage();
        return e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null ? kind + " (" + fs.getReason() + ")" : kind + (detail.isEmpty() ? "" : " (" + detail + ")");
    }

    private String replayCommand(RunSpec spec, long seed) {
        return "./parley sim --nodes " + spec.nodes() + " --clients " + spec.clients() + " --ops " + spec.opsTotal()
                + " --faults " + faults + " --fault-interval-ms " + faultIntervalMs
 + (leaseReads ? " --lease-reads" : "") + ("wal".equals(storage) ? "" : " --storage " + storage) + (twins == 0 ? "" : " --twins " + twins) + " --keys " + keys + " --operator-interval-ms " + operatorIntervalMs + " --read-percent " + readPercent + " --cas-percent " + casPercent + " --seeds " + seed + " --trace";
    }

    private static RunSpec.Storage parseStorage(String text) {
        return switch (text) {
            case "wal" -> RunSpec.Storage.WAL;
            case "journal" -> RunSpec.Storage.JOURNAL;
            default -> throw new UserError("--storage must be wal or journal, got '" + text + "'");
        };
    }

    private static void printHeader(PrintStream out) {
        out.printf("%-8s %-17s %6s %5s %5s %7s %8s %6s %9s %7s %8s%n",
                "seed", "verdict", "ok", "fail", "info", "faults", "leaders", "admin", "messages", "sim-s", "wall-ms");
    }

    private static void printRow(PrintStream out, SeedOutcome o) {
        out.printf(Locale.ROOT, "%-8d %-17s %6d %5d %5d %7d %8d %6d %9d %7.1f %8d%n",
                o.seed(), o.verdict().name().toLowerCase(Locale.ROOT).replace('_', '-'), o.opsOk(), o.opsFail(), o.opsInfo(),
                o.faultsTotal(), o.leaderElections(), o.adminChanges(), o.messages(), o.simulatedNs() / 1e9, o.wallNs() / 1_000_000);
    }

    /** Fault names for --help and completion. */
    static final class FaultNames extends ArrayList<String> {
        FaultNames() {
            for (FaultKind kind : FaultKind.values()) add(kind.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
    }
}
