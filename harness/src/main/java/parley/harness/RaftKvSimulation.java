package parley.harness;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import parley.check.CheckBudget;
import parley.check.CheckResult;
import parley.check.Event;
import parley.check.EventType;
import parley.check.History;
import parley.check.HistoryFormatException;
import parley.check.HistoryReader;
import parley.check.HistoryWriter;
import parley.check.LinearizabilityChecker;
import parley.check.Verdict;
import parley.replica.ReplicaSettings;
import parley.sim.EventBudgetExceeded;
import parley.sim.FaultInjector;
import parley.sim.NodeState;
import parley.sim.PhasePlan;
import parley.sim.PhasedRun;
import parley.sim.ProgressCheck;
import parley.sim.RunResult;
import parley.sim.SimConfig;
import parley.sim.Simulation;
import parley.sim.Trace;
import parley.sim.nemesis.FaultBudget;
import parley.sim.nemesis.FaultKind;
import parley.sim.nemesis.Nemesis;
import parley.sim.nemesis.NemesisConfig;

/**
 * Runs the Raft KV store for one seed inside the simulator and judges the run: a safety phase with
 * clients and the nemesis, a heal, a bounded liveness phase, then the checks: the invariants checked
 * all along (Raft's own, election safety and state machine safety in the {@link SafetyLedger}), the
 * linearizability of the client history, and agreement of the replicas' final state.
 */
public final class RaftKvSimulation implements Scenario {
    static final long CLIENT_ID_BASE = 1000;
    static final long WATCHER_ID_BASE = 2000;
    /** Watchers per run, each checking that its stream of changes is complete and in order. */
    static final int WATCHERS = 2;
    static final long OPERATOR_ID = 3000;
    static final long LEASE_HOLDER_ID_BASE = 4000;
    /** Twin of server N (see {@link RunSpec#withTwins}): TWIN_ID_BASE + N. */
    static final long TWIN_ID_BASE = 5000;
    /** Lease holders per run, with TTLs of 1 and 2 s, whose leases' expiry the {@link LeaseLedger} judges. */
    static final int LEASE_HOLDERS = 2;
    private static final long THINK_NS_MEAN = 30_000_000L;
    private static final long ATTEMPT_TIMEOUT_NS = 300_000_000L;
    private static final long OP_TIMEOUT_NS = 3_000_000_000L;
    private static final long LIVENESS_BASE_NS = 20_000_000_000L;
    /**
     * A healthy seed takes tens of thousands of events; one that takes millions is caught in a
     * message or timer storm, which is a bug of its own (reported as {@link SeedOutcome.Verdict#RUNAWAY}).
     */
    private static final long MAX_EVENTS = 3_000_000L;
    private static final CheckBudget CHECK_BUDGET = new CheckBudget(20_000, 2_000_000);

    private final RunSpec spec;
    /**
     * The write-ahead log reports recoveries, torn tails and failed disks, which simulated faults make routine: kept
     * out of the run's output (the trace shows what each node believes). Held here so it is not
     * collected with its level.
     */
    private static final java.util.logging.Logger WAL_LOG = quiet("parley.wal");

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
        logger.setLevel(java.util.logging.Level.OFF);
        return logger;
    }

    public RaftKvSimulation(RunSpec spec) {
        this.spec = spec;
    }

    /**
     * What one run produced: the verdict and, for replay and reports, the history it recorded, what
     * its leases did, and how often a watcher's stream was ended by a compaction and reopened.
     */
    /** One run: its outcome and what its checks had to judge (watch resumes: streams held back by a slow reader, then resumed). */
    public record Run(SeedOutcome outcome, List<Event> history, LeaseLedger.Stats leases, int watchCompactions,
                      int watchResumes) implements Scenario.Run {}

    @Override
    public String name() {
        return "raft-kv";
    }

    @Override
    public Run run(long seed, Trace trace) {
        return runRecorded(seed, trace);
    }

    /** Runs {@code seed} without a trace. */
    public SeedOutcome run(long seed) {
        return runRecorded(seed, Trace.off()).outcome();
    }

    /** Runs {@code seed}, sending the event-by-event timeline to {@code trace}. */
    public Run runRecorded(long seed, Trace trace) {
        long wallStartNs = System.nanoTime();
        Simulation<ClusterMessage> world = new Simulation<>(SimConfig.defaults(seed).withTrace(trace).withMaxEvents(MAX_EVENTS));
        world.buggify().enable();
        Workload workload = new Workload(spec.opsPerClient(), spec.keys(), spec.readPercent(), spec.casPercent(), THINK_NS_MEAN, ATTEMPT_TIMEOUT_NS, OP_TIMEOUT_NS);
        List<Long> serverIds = new ArrayList<>();
        for (long id = 1; id <= spec.nodes(); id++) serverIds.add(id);
        ReplicaSettings settings = spec.settings().draw(seed);
        if (world.tracing()) world.trace("settings " + settings.describe());
        RunContext context = new RunContext(world, settings, spec.raftFactory(), spec.leaseClocks(), spec.storage(), spec.tombstones(), new TreeSet<>(serverIds), workload);
        for (long id : serverIds) world.addServer(id, nodeId -> new KvServer(context, nodeId, nodeId));
        for (int i = 0; i < spec.twins(); i++) {
            long identity = serverIds.get(i);
            world.addTwin(TWIN_ID_BASE + identity, identity, twinId -> new KvServer(context, identity, twinId));
        }
        List<Long> clientIds = new ArrayList<>();
        for (int i = 0; i < spec.clients(); i++) {
            long clientId = CLIENT_ID_BASE + 1 + i;
            clientIds.add(clientId);
            int index = i;
            world.addClient(clientId, nodeId -> new SimClient(context, nodeId, index, spec.clients(), serverIds));
        }
        List<Long> watcherIds = new ArrayList<>();
        for (int i = 0; i < WATCHERS; i++) {
            long watcherId = WATCHER_ID_BASE + 1 + i;
            watcherIds.add(watcherId);
            world.addClient(watcherId, nodeId -> new SimWatcher(context, nodeId, serverIds));
        }
        for (int i = 0; i < LEASE_HOLDERS; i++) {
            long holderId = LEASE_HOLDER_ID_BASE + 1 + i;
            long ttlSeconds = 1 + i % 2;
            world.addClient(holderId, nodeId -> new SimLeaseHolder(context, nodeId, serverIds, ttlSeconds));
        }
        if (spec.operatorIntervalMsMean() > 0) {
            world.addClient(OPERATOR_ID, nodeId -> new SimOperator(context, serverIds, spec.operatorIntervalMsMean() * 1_000_000L));
        }
        Nemesis nemesis = spec.faults().isEmpty() ? null : new Nemesis(world, NemesisConfig.defaults()
                .withKinds(spec.faults())
                .withFaultBudget(FaultBudget.CRASH_MINORITY)
                // One server dead for good in some runs: the liveness phase must succeed on the rest.
                // (One, not a minority: the operator may have demoted voters, and a minority of the
                // servers can be a majority of the voters.)
                .withDeadForGood(1)
                .withTiming(spec.faultIntervalMsMean() * 1_000_000L, 100_000_000L, 2_000_000_000L));
        FaultInjector faults = nemesis == null ? FaultInjector.none(world) : nemesis;

        long safetyNs = Math.max(5_000_000_000L, workload.opsPerClient() * (THINK_NS_MEAN + 20_000_000L));
        long livenessNs = LIVENESS_BASE_NS + workload.opsPerClient() * (THINK_NS_MEAN + 20_000_000L);
        Progress progress = new Progress(world, context, serverIds, clientIds, watcherIds);
        RunResult result;
        try {
            result = PhasedRun.run(world, faults, PhasePlan.of(safetyNs, livenessNs), progress);
        } catch (EventBudgetExceeded runaway) {
            result = null;
        }

        long checkStartNs = System.nanoTime();
        Judgement judgement = judge(world, context, serverIds, watcherIds, result);
        long endNs = System.nanoTime();
        Map<FaultKind, Long> injected = nemesis == null ? Map.of() : new EnumMap<>(nemesis.injectedCounts());
        int[] counts = countOutcomes(context.history());
        SeedOutcome outcome = new SeedOutcome(seed, judgement.verdict, judgement.detail, counts[0], counts[1], counts[2],
                injected, context.ledger().leaderElections(), context.adminAccepted(), world.stats().messagesSent(), world.eventCount(),
                world.nowNs(), endNs - wallStartNs, endNs - checkStartNs);
        if (world.tracing()) {
            world.trace("buggify sites " + world.buggify().sites() + ", fired " + world.buggify().fired());
            LeaseLedger.Stats leases = context.leases().stats();
            world.trace("leases granted " + leases.granted() + ", refreshes " + leases.refreshes() + ", expired " + leases.expired());
        }
        if (world.tracing()) world.trace("verdict " + outcome.verdict() + (outcome.detail().isEmpty() ? "" : ": " + outcome.detail()));
        int watchCompactions = 0;
        for (long id : watcherIds) watchCompactions += ((SimWatcher) world.process(id)).compactionsMet();
        return new Run(outcome, context.history(), context.leases().stats(), watchCompactions, context.watchResumes());
    }

    private record Judgement(SeedOutcome.Verdict verdict, String detail) {}

    private Judgement judge(Simulation<ClusterMessage> world, RunContext context, List<Long> serverIds,
                            List<Long> watcherIds, RunResult result) {
        if (result == null) {
            return new Judgement(SeedOutcome.Verdict.RUNAWAY, "more than " + MAX_EVENTS + " events by "
                    + world.nowNs() / 1_000_000 + " ms of simulated time: a message or timer storm");
        }
        switch (result) {
            case RunResult.SafetyFailure failure -> {
                return new Judgement(SeedOutcome.Verdict.SAFETY_VIOLATION, String.valueOf(failure.cause().getMessage()));
            }
            case RunResult.LivenessFailure failure -> {
                return new Judgement(SeedOutcome.Verdict.LIVENESS_FAILURE, failure.describe());
            }
            case RunResult.Passed passed -> { /* go on with the checks that need the whole run */ }
        }
        String divergence = replicaDivergence(world, serverIds);
        if (divergence != null) return new Judgement(SeedOutcome.Verdict.REPLICAS_DIVERGED, divergence);
        String watchProblem = watchProblem(world, serverIds, watcherIds);
        if (watchProblem != null) return new Judgement(SeedOutcome.Verdict.WATCH_BROKEN, watchProblem);
        CheckResult check = checkHistory(context.history(), "seed-" + world.seed());
        return switch (check.verdict()) {
            case LINEARIZABLE -> new Judgement(SeedOutcome.Verdict.PASS, "");
            case NOT_LINEARIZABLE -> new Judgement(SeedOutcome.Verdict.NOT_LINEARIZABLE,
                    check.witness() == null ? "no witness" : check.witness().describe());
            case UNKNOWN -> new Judgement(SeedOutcome.Verdict.UNKNOWN, "checker budget exhausted");
        };
    }

    /**
     * Why the liveness phase is not over yet, or null: every group (the default, the metadata group,
     * each keyspace's) whose voters are mostly up must have a leader among its up replicas. A
     * quiesced group whose leader died must wake and elect another: idle groups are not excused. And
     * no keyspace may stay half created or half dropped.
     */
    private static String leaderlessGroup(Simulation<ClusterMessage> world, List<Long> serverIds) {
        Map<Long, Map<Long, parley.replica.KvReplica>> byGroup = new TreeMap<>();
        for (long id : serverIds) {
            if (world.state(id) != NodeState.UP) continue;
            ((KvServer) world.process(id)).replicas().forEach((group, replica) -> byGroup.computeIfAbsent(group, g -> new TreeMap<>()).put(id, replica));
        }
        for (long id : serverIds) {
            if (world.state(id) != NodeState.UP) continue;
            java.util.List<parley.keyspace.Keyspace> changing = ((KvServer) world.process(id)).registry().changing();
            if (!changing.isEmpty()) return "n" + id + " still sees keyspaces mid-change: " + changing;
        }
        for (Map.Entry<Long, Map<Long, parley.replica.KvReplica>> group : byGroup.entrySet()) {
            Map<Long, parley.replica.KvReplica> up = group.getValue();
            java.util.Set<Long> voters = up.values().iterator().next().status().config().voters();
            long votersUp = voters.stream().filter(up::containsKey).count();
            if (votersUp * 2 <= voters.size()) continue; // no majority up: nothing to demand
            long leader = up.values().stream().filter(parley.replica.KvReplica::isLeader).mapToLong(parley.replica.KvReplica::nodeId).findFirst().orElse(0);
            if (leader == 0) {
                StringBuilder beliefs = new StringBuilder();
                up.forEach((id, r) -> beliefs.append(" n").append(id).append(":").append(r.status().role()).append(" leader=").append(r.status().leaderId())
                        .append(r.isQuiesced() ? " quiesced" : ""));
                return "group " + group.getKey() + " has no leader although " + votersUp + " of its "
                        + voters.size() + " voters are up:" + beliefs;
            }
        }
        return null;
    }

    /** Every running server, once caught up, must hold the same state: compare their hashes. */
    private static String replicaDivergence(Simulation<ClusterMessage> world, List<Long> serverIds) {
        Map<Long, List<String>> byIndexAndHash = new TreeMap<>();
        Map<Long, Long> hashByApplied = new TreeMap<>();
        for (long id : serverIds) {
            if (world.state(id) != NodeState.UP) continue;
            KvServer server = (KvServer) world.process(id);
            long applied = server.replica().raft().status().appliedIndex();
            long hash = server.replica().stateMachine().hash();
            Long other = hashByApplied.putIfAbsent(applied, hash);
            byIndexAndHash.computeIfAbsent(applied, k -> new ArrayList<>()).add("n" + id + "=" + Long.toHexString(hash));
            if (other != null && other != hash) {
                return "replicas at applied index " + applied + " differ: " + byIndexAndHash.get(applied);
            }
        }
        return null;
    }

    /**
     * Each watcher saw every revision in order (checked as it went); here its changes are compared
     * with what the store itself holds at each revision still in its history, and it must have
     * reached the last revision.
     */
    private static String watchProblem(Simulation<ClusterMessage> world, List<Long> serverIds, List<Long> watcherIds) {
        KvServer reference = null;
        for (long id : serverIds) {
            if (world.state(id) != NodeState.UP) continue;
            KvServer server = (KvServer) world.process(id);
            if (reference == null || server.replica().stateMachine().revision() > reference.replica().stateMachine().revision()) reference = server;
        }
        if (reference == null) return "no server is up to compare watch streams with";
        parley.kv.MvccStore store = reference.replica().stateMachine().store();
        for (long watcherId : watcherIds) {
            SimWatcher watcher = (SimWatcher) world.process(watcherId);
            if (watcher.lastRevision() != store.revision()) {
                return "watcher w" + watcherId + " ended at revision " + watcher.lastRevision() + " but the store is at " + store.revision();
            }
            for (ClusterMessage.Change change : watcher.seen()) {
                // Below the compaction point the store no longer knows what each revision held.
                if (change.revision() < store.compactRevision()) continue;
                parley.kv.KeyValue kv = store.get(parley.kv.Bytes.utf8(change.key()), change.revision());
                Long stored = kv == null ? null : KvServer.decodeValue(kv.value());
                if (kv == null || kv.modRevision() != change.revision() || !java.util.Objects.equals(stored, change.value())) {
                    return "watcher w" + watcherId + " saw " + change + " but the store holds " + kv + " at that revision";
                }
            }
        }
        return null;
    }

    /** Judges a recorded history with the same reader and checker as {@code parley check}. */
    static CheckResult checkHistory(List<Event> events, String name) {
        StringWriter text = new StringWriter();
        HistoryWriter writer = new HistoryWriter(text);
        events.forEach(writer::write);
        try {
            History history = HistoryReader.read(new StringReader(text.toString()), name);
            return new LinearizabilityChecker(CHECK_BUDGET).check(history);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (HistoryFormatException e) {
            throw new IllegalStateException("the simulator recorded a malformed history: " + e.getMessage(), e);
        }
    }

    /** Writes {@code events} in the history file format. */
    public static String historyText(List<Event> events) {
        StringWriter text = new StringWriter();
        HistoryWriter writer = new HistoryWriter(text);
        events.forEach(writer::write);
        return text.toString();
    }

    private static int[] countOutcomes(List<Event> history) {
        int[] counts = new int[3];
        int invokes = 0;
        for (Event event : history) {
            switch (event.type()) {
                case INVOKE -> invokes++;
                case OK -> counts[0]++;
                case FAIL -> counts[1]++;
                case INFO -> counts[2]++;
            }
        }
        counts[2] += invokes - counts[0] - counts[1] - counts[2]; // never completed: unknown outcome
        return counts;
    }

    /**
     * Liveness after the heal: every client got its remaining operations and one more write through,
     * and every running server applied everything the cluster committed.
     */
    private static final class Progress implements ProgressCheck {
        private final Simulation<ClusterMessage> world;
        private final RunContext context;
        private final List<Long> serverIds;
        private final List<Long> clientIds;
        private final List<Long> watcherIds;

        Progress(Simulation<ClusterMessage> world, RunContext context, List<Long> serverIds, List<Long> clientIds,
                 List<Long> watcherIds) {
            this.world = world;
            this.context = context;
            this.serverIds = serverIds;
            this.clientIds = clientIds;
            this.watcherIds = watcherIds;
        }

        @Override
        public void onHealed(long nowNs) {
            context.markHealed();
            if (world.tracing()) world.trace("healed: every fault ended; liveness phase begins");
        }

        @Override
        public boolean progressed() {
            return clientsFinished() == clientIds.size() && serversCaughtUp() && watchersCaughtUp() == watcherIds.size()
                    && leaderlessGroup(world, serverIds) == null;
        }

        private long maxRevision() {
            long revision = 0;
            for (long id : serverIds) {
                if (world.state(id) == NodeState.UP) revision = Math.max(revision, ((KvServer) world.process(id)).replica().stateMachine().revision());
            }
            return revision;
        }

        private int watchersCaughtUp() {
            long revision = maxRevision();
            int caughtUp = 0;
            for (long id : watcherIds) {
                if (((SimWatcher) world.process(id)).lastRevision() >= revision) caughtUp++;
            }
            return caughtUp;
        }

        private int clientsFinished() {
            int finished = 0;
            for (long id : clientIds) {
                if (((SimClient) world.process(id)).finished()) finished++;
            }
            return finished;
        }

        private boolean serversCaughtUp() {
            long maxCommit = 0;
            for (long id : serverIds) {
                if (world.state(id) != NodeState.UP) continue;
                maxCommit = Math.max(maxCommit, ((KvServer) world.process(id)).replica().raft().status().commitIndex());
            }
            for (long id : serverIds) {
                if (world.state(id) != NodeState.UP) continue;
                if (((KvServer) world.process(id)).replica().raft().status().appliedIndex() < maxCommit) return false;
            }
            return true;
        }

        @Override
        public String describe() {
            StringBuilder text = new StringBuilder();
            text.append(clientsFinished()).append('/').append(clientIds.size()).append(" clients finished; ")
                    .append(watchersCaughtUp()).append('/').append(watcherIds.size()).append(" watchers at revision ")
                    .append(maxRevision()).append("; servers:");
            for (long id : serverIds) {
                text.append(' ').append("n").append(id).append('=');
                if (world.state(id) != NodeState.UP) {
                    text.append(world.state(id));
                } else {
                    var s = ((KvServer) world.process(id)).replica().raft().status();
                    text.append(s.role()).append("/t").append(s.term()).append("/c").append(s.commitIndex()).append("/a").append(s.appliedIndex());
                }
            }
            String leaderless = leaderlessGroup(world, serverIds);
            if (leaderless != null) text.append("; ").append(leaderless);
            return text.toString();
        }
    }
}
