package parley.torture;

import io.etcd.jetcd.api.KVGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import parley.check.CheckBudget;
import parley.check.CheckResult;
import parley.check.Event;
import parley.check.HistoryFormatException;
import parley.check.HistoryReader;
import parley.check.HistoryWriter;
import parley.check.LinearizabilityChecker;

/**
 * One torture run, start to verdict: start the cluster, run clients, watchers and the nemesis for the
 * duration, heal everything, wait for the cluster to recover, read every key once more, then judge:
 * the history with the linearizability checker (read back from the file it was written to, as
 * {@code parley check} would read it), the watch streams and acknowledged answers with
 * {@link WatchCheck}, the replicas' state hashes with {@link ReplicaCheck}; and write the report.
 */
public final class TortureRun {
    /** Time allowed, after the heal, for a leader, for replicas to agree, and for watchers to catch up. */
    private static final long RECOVERY_TIMEOUT_MS = 30_000;

    private final TortureOptions options;
    private final PrintStream log;

    public TortureRun(TortureOptions options, PrintStream log) {
        this.options = options;
        this.log = log;
    }

    /** Thrown when the run could not even start (no leader ever, ports, files): nothing was tested. */
    public static final class SetupException extends Exception {
        public SetupException(String message) {
            super(message);
        }
    }

    public TortureResult run() throws IOException, InterruptedException, SetupException {
        Path out = options.outputDir();
        Files.createDirectories(out);
        try (LocalCluster cluster = LocalCluster.create(options.nodes(), options.serverCommand(), out.resolve("cluster"), "torture", options.seed())) {
            cluster.startAll();
            log.printf("torture: %d nodes starting (logs in %s)%n", options.nodes(), out.resolve("cluster"));
            if (cluster.awaitLeader(60_000) == 0) {
                throw new SetupException("the cluster elected no leader within 60 s; see the node logs in " + out.resolve("cluster")
                        + (cluster.unexpectedExits().isEmpty() ? "" : ": " + cluster.unexpectedExits()));
            }
            List<ManagedChannel> channels = new ArrayList<>();
            for (int i = 1; i <= cluster.size(); i++) {
                channels.add(ManagedChannelBuilder.forAddress("127.0.0.1", cluster.clientPort(i)).usePlaintext().build());
            }
            try {
                return exercise(cluster, channels);
            } finally {
                channels.forEach(ManagedChannel::shutdownNow);
            }
        }
    }

    private TortureResult exercise(LocalCluster cluster, List<ManagedChannel> channels) throws IOException, InterruptedException, SetupException {
        long firstRevision = startRevision(cluster) + 1;
        long startNs = System.nanoTime();
        Recorder recorder = new Recorder(startNs);
        AtomicBoolean stopLoad = new AtomicBoolean();
        AtomicBoolean stopWatching = new AtomicBoolean();
        List<Watcher> watchers = new ArrayList<>();
        List<Thread> watcherThreads = new ArrayList<>();
        for (int w = 0; w < options.watchers(); w++) {
            Watcher watcher = new Watcher(w, channels, options.seed() * 7919 + w, firstRevision, stopWatching::get);
            watchers.add(watcher);
            watcherThreads.add(Thread.ofPlatform().name("watcher-" + w).daemon().start(watcher));
        }
        List<Thread> clientThreads = new ArrayList<>();
        for (int c = 0; c < options.clients(); c++) {
            ClientWorker worker = new ClientWorker(c, options.clients() + 1, channels, recorder, options.workload(),
                    options.seed() * 1_000_003 + c, options.opTimeoutMs(), stopLoad::get);
            clientThreads.add(Thread.ofPlatform().name("client-" + c).daemon().start(worker));
        }
        Nemesis nemesis = new Nemesis(cluster, options.faults(), options.faultIntervalMs(), options.faultDurationMs(), options.seed(), recorder, stopLoad::get);
        Thread nemesisThread = Thread.ofPlatform().name("nemesis").daemon().start(nemesis);
        log.printf("torture: %d clients, %d watchers, faults %s every %d ms for %d ms, seed %d, for %d s%n", options.clients(),
                options.watchers(), options.faults().stream().map(FaultKind::cliName).sorted().toList(), options.faultIntervalMs(),
                options.faultDurationMs(), options.seed(), options.durationMs() / 1000);
        Thread.sleep(options.durationMs());
        stopLoad.set(true);
        nemesisThread.join(options.faultIntervalMs() + 30_000);
        for (Thread t : clientThreads) t.join(options.opTimeoutMs() + 10_000);
        long loadEndNs = recorder.nowNs();

        log.println("torture: load stopped; healing everything and waiting for recovery");
        healAll(cluster);
        int leader = cluster.awaitLeader(RECOVERY_TIMEOUT_MS);
        if (leader != 0) finalReads(cluster, channels, recorder, leader);
        ReplicaCheck.Result replicas = ReplicaCheck.await(cluster, RECOVERY_TIMEOUT_MS);
        long finalRevision = replicas.converged() ? replicas.revision() : maxRevision(cluster);
        awaitWatchers(watchers, finalRevision);
        stopWatching.set(true);
        for (Thread t : watcherThreads) t.join(5_000);

        Path historyFile = options.outputDir().resolve("history.jsonl");
        writeHistory(recorder.events(), historyFile);
        log.printf("torture: checking %d history events (%s)%n", recorder.events().size(), historyFile);
        CheckResult linearizability = check(historyFile);
        java.util.Map<Integer, List<Watcher.Seen>> streams = new java.util.HashMap<>();
        for (Watcher w : watchers) streams.put(w.id(), w.seen());
        WatchCheck.Result watchResult = WatchCheck.check(streams, firstRevision, finalRevision, recorder.ackedWrites(), recorder.ackedReads());
        return new TortureResult(options, loadEndNs, linearizability, watchResult, replicas, cluster.unexpectedExits(),
                nemesis.errors(), nemesis.windows(), recorder.ops(), historyFile);
    }

    /**
     * The leader's revision before the run. A node that just elected itself may be slow to answer its
     * first requests (its JIT still cold on a busy machine): asked again, for up to {@link #START_STATUS_WAIT_MS}.
     */
    private static long startRevision(LocalCluster cluster) throws SetupException, InterruptedException {
        long deadline = System.nanoTime() + START_STATUS_WAIT_MS * 1_000_000L;
        while (true) {
            var status = cluster.status(cluster.leader() == 0 ? 1 : cluster.leader());
            if (status != null) return status.path("revision").asLong();
            if (System.nanoTime() > deadline) {
                throw new SetupException("the leader did not answer /status within " + START_STATUS_WAIT_MS + " ms before the run");
            }
            Thread.sleep(100);
        }
    }

    private static final long START_STATUS_WAIT_MS = 15_000;

    /** SIGCONT the paused, restart the dead, heal every link, reset every clock and disk, lift netem. */
    private void healAll(LocalCluster cluster) throws IOException {
        cluster.healLinks();
        if (options.faults().contains(FaultKind.NETEM)) Netem.heal();
        for (NodeProcess p : cluster.processes()) {
            try {
                if (p.isAlive()) p.resume();
                else p.start();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        for (int i = 1; i <= cluster.size(); i++) {
            for (int attempt = 0; attempt < 50; attempt++) {
                try {
                    cluster.fault(i, "/fault/reset");
                    break;
                } catch (IOException notUpYet) {
                    sleepQuietly(200);
                }
            }
        }
    }

    /** One more read of every key through the healed cluster, so a write lost in the faults cannot hide. */
    private void finalReads(LocalCluster cluster, List<ManagedChannel> channels, Recorder recorder, int leader) {
        ClientWorker reader = new ClientWorker(options.clients(), options.clients() + 1, channels, recorder, options.workload(),
                options.seed(), options.opTimeoutMs(), () -> true);
        for (String key : options.workload().keyNames()) {
            reader.finalRead(KVGrpc.newBlockingStub(channels.get(leader - 1)).withDeadlineAfter(5, TimeUnit.SECONDS), leader, key);
        }
    }

    private static long maxRevision(LocalCluster cluster) {
        long max = 0;
        for (int i = 1; i <= cluster.size(); i++) {
            var s = cluster.status(i);
            if (s != null) max = Math.max(max, s.path("revision").asLong());
        }
        return max;
    }

    private static void awaitWatchers(List<Watcher> watchers, long finalRevision) throws InterruptedException {
        long deadline = System.nanoTime() + RECOVERY_TIMEOUT_MS * 1_000_000L;
        while (System.nanoTime() < deadline && watchers.stream().anyMatch(w -> w.lastRevision() < finalRevision)) {
            Thread.sleep(100);
        }
    }

    private static void writeHistory(List<Event> events, Path file) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8); HistoryWriter writer = new HistoryWriter(w)) {
            events.forEach(writer::write);
        }
    }

    private CheckResult check(Path historyFile) throws IOException {
        try {
            return new LinearizabilityChecker(new CheckBudget(options.checkTimeBudgetMs(), CheckBudget.DEFAULT.memoryBudgetEntries()))
                    .check(HistoryReader.read(historyFile));
        } catch (HistoryFormatException e) {
            throw new IllegalStateException("the run wrote a history its own reader rejects: " + e.getMessage(), e);
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
