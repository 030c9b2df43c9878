package parley.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import parley.core.Check;
import parley.core.env.RandomSource;
import parley.core.env.SplittableRandomSource;

/**
 * The deterministic simulated world: virtual time, an event queue, processes, a faulty network, disks
 * and clocks, all driven by one seed. Nothing here reads the wall clock, starts a thread or iterates a
 * collection whose order depends on identity hash codes; events at the same instant run in the order
 * they were scheduled. The same seed and the same processes therefore give the same run, byte for
 * byte, and a failing seed is a bug report.
 *
 * <p>How a harness uses it:
 * <pre>{@code
 * Simulation<Msg> world = new Simulation<>(SimConfig.defaults(seed).withTrace(Trace.recording()));
 * for (long id = 1; id <= 5; id++) world.addServer(id, RaftProcess::new);
 * world.addClient(100, ClientProcess::new);
 * RunResult result = PhasedRun.run(world, new Nemesis(world, NemesisConfig.defaults()),
 *         PhasePlan.of(seconds(10), seconds(5)), () -> clientsCompletedAfterHeal() >= 1);
 * }</pre>
 *
 * <p>The world's fault methods ({@link #crash}, {@link #pause}, {@link #network()}...) may be called
 * between events or from scheduled {@linkplain #schedule actions}, never from inside a process.
 *
 * @param <M> the protocol's message type
 */
public final class Simulation<M> {
    private final SimConfig config;
    /** The agenda; the world's parts schedule into it directly. */
    final EventQueue queue = new EventQueue();
    private final ArrayList<Node<M>> nodes = new ArrayList<>();
    private final LongIndexMap indexById = new LongIndexMap();
    /** Twins of each identity that has any (see {@link #addTwin}); most runs have none. */
    private final java.util.Map<Long, List<Node<M>>> twinsByIdentity = new java.util.TreeMap<>();
    private final SplittableRandomSource nemesisRandom;
    private final SplittableRandomSource diskRandom;
    private final SplittableRandomSource clockRandom;
    private final SeededBuggify buggify;
    private final SimNetwork network;
    private final MessagePath<M> messages;
    private final Timers<M> timers;
    private final Lifecycle<M> lifecycle;
    private final Trace trace;
    /** Whether trace lines are wanted; checked before building any string. */
    final boolean tracing;

    private Runnable afterEachEvent;

    private long nowNs;
    private long events;
    private long eventsAtThisInstant;
    private boolean dispatching;
    /** True while a process callback runs: the world refuses to be driven from inside a process. */
    boolean inProcess;

    public Simulation(SimConfig config) {
        this.config = config;
        SplittableRandomSource root = new SplittableRandomSource(config.seed());
        // Split order is part of the determinism contract: append new streams at the end only.
        SplittableRandomSource networkRandom = root.split();
        this.nemesisRandom = root.split();
        this.diskRandom = root.split();
        this.clockRandom = root.split();
        SplittableRandomSource adversaryRandom = root.split();
        this.buggify = new SeededBuggify(config.seed(), root.split());
        this.network = new SimNetwork(this, config.network(), networkRandom);
        this.messages = new MessagePath<>(this, network, adversaryRandom, config.pauseBufferMaxMessages());
        this.timers = new Timers<>(this);
        this.lifecycle = new Lifecycle<>(this, network, diskRandom);
        this.trace = config.trace();
        this.tracing = trace.enabled();
    }

    // ---- registration ----

    /** Registers a server and starts its first process now. */
    public void addServer(long nodeId, ProcessFactory<M> factory) {
        addNode(nodeId, NodeKind.SERVER, factory);
    }

    /** Registers a client (exempt from the nemesis and from link faults) and starts it now. */
    public void addClient(long nodeId, ProcessFactory<M> factory) {
        addNode(nodeId, NodeKind.CLIENT, factory);
    }

    /**
     * Registers node {@code nodeId} and starts its first process now ({@link SimProcess#onStart} runs
     * before this returns; anything it sends or arms happens later, through the queue).
     */
    public void addNode(long nodeId, NodeKind kind, ProcessFactory<M> factory) {
        addNode(nodeId, nodeId, kind, factory);
    }

    /**
     * Registers node {@code twinId} as a <em>twin</em> of node {@code identity} (Twins, Bano et al.):
     * a second, independent node (its own process, disk, clock, timers and links) that the others
     * cannot tell from the first. It sends as {@code identity}, and every message sent to
     * {@code identity} goes to both, each copy through its own link (so partitions and losses treat the
     * twins apart). A protocol that tolerates a faulty node that equivocates must stay safe with one;
     * a crash-fault protocol such as Raft is not expected to. The nemesis sees twins as nodes of their
     * own, by {@code twinId}.
     */
    public void addTwin(long twinId, long identity, ProcessFactory<M> factory) {
        Node<M> original = node(identity);
        Check.that(original.identity == identity, "node %d is itself a twin: twin the original", identity);
        addNode(twinId, identity, original.kind, factory);
        twinsByIdentity.computeIfAbsent(identity, id -> new ArrayList<>()).add(node(twinId));
    }

    private void addNode(long nodeId, long identity, NodeKind kind, ProcessFactory<M> factory) {
        requireOutsideProcess("addNode");
        if (indexById.get(nodeId) >= 0) {
            throw new IllegalArgumentException("node id " + nodeId + " is already registered");
        }
        int index = nodes.size();
        ClockConfig clocks = config.clock();
        double driftPpm = (clockRandom.nextDouble() * 2 - 1) * clocks.driftPpmMax();
        long startLocalNs = clocks.offsetNsMax() == 0 ? 0 : clockRandom.nextLong(0, clocks.offsetNsMax() + 1);
        SimClock clock = new SimClock(startLocalNs, driftPpm);
        Node<M> node = new Node<>(this, nodeId, identity, index, kind, factory, nodeRandom(config.seed(), nodeId), clock,
                diskRandom, config.disk());
        indexById.putNew(nodeId, index);
        nodes.add(node);
        network.addNode(index);
        lifecycle.start(node);
    }

    /** A node's own stream depends on the seed and its id only, not on registration order. */
    private static SplittableRandomSource nodeRandom(long seed, long nodeId) {
        long mixed = seed + (nodeId + 1) * 0x9E3779B97F4A7C15L;
        mixed = (mixed ^ (mixed >>> 30)) * 0xBF58476D1CE4E5B9L;
        mixed = (mixed ^ (mixed >>> 27)) * 0x94D049BB133111EBL;
        return new SplittableRandomSource(mixed ^ (mixed >>> 31));
    }

    // ---- running ----

    /** Processes the next event, if any; returns false when the queue is empty. */
    public boolean step() {
        requireNotDispatching("step");
        Event event = queue.poll();
        if (event == null) {
            return false;
        }
        advanceTo(event.timeNs);
        countEvent();
        dispatching = true;
        try {
            dispatch(event);
            if (afterEachEvent != null) {
                afterEachEvent.run();
            }
        } finally {
            dispatching = false;
        }
        return true;
    }

    /** Processes every event due at or before {@code timeNs}, then sets the clock to {@code timeNs}. */
    public void runUntil(long timeNs) {
        requireNotDispatching("runUntil");
        Check.that(timeNs >= nowNs, "runUntil(%d) is in the past (now %d)", timeNs, nowNs);
        for (Event next = queue.peek(); next != null && next.timeNs <= timeNs; next = queue.peek()) {
            step();
        }
        advanceTo(timeNs);
    }

    /** {@link #runUntil(long) Runs} for {@code durationNs} of virtual time. */
    public void runFor(long durationNs) {
        Check.that(durationNs >= 0, "runFor needs a non-negative duration: %d", durationNs);
        runUntil(nowNs + durationNs);
    }

    /**
     * Runs until {@code condition} holds (checked before the first event and after each one) or
     * {@code deadlineNs} passes; returns whether the condition was met.
     */
    public boolean runUntil(BooleanSupplier condition, long deadlineNs) {
        requireNotDispatching("runUntil");
        while (!condition.getAsBoolean()) {
            Event next = queue.peek();
            if (next == null || next.timeNs > deadlineNs) {
                advanceTo(Math.max(nowNs, deadlineNs));
                return condition.getAsBoolean();
            }
            step();
        }
        return true;
    }

    /** Runs {@code action} after {@code delayNs} of virtual time, as an event of its own. */
    public void schedule(long delayNs, Runnable action) {
        Check.that(delayNs >= 0, "schedule needs a non-negative delay: %d", delayNs);
        Event event = new Event(Event.ACTION);
        event.payload = action;
        queue.schedule(event, nowNs + delayNs);
    }

    private void advanceTo(long timeNs) {
        Check.that(timeNs >= nowNs, "virtual time never goes backwards: %d < %d", timeNs, nowNs);
        if (timeNs > nowNs) {
            nowNs = timeNs;
            eventsAtThisInstant = 0;
        }
    }

    private void countEvent() {
        events++;
        eventsAtThisInstant++;
        if (events > config.maxEvents()) {
            throw new EventBudgetExceeded("seed " + config.seed() + ": event budget of " + config.maxEvents()
                    + " exceeded at " + TraceFormat.stamp(nowNs).toString().trim()
                    + "; an unbounded run is a bug (or raise SimConfig.maxEvents)");
        }
        if (eventsAtThisInstant > config.maxEventsAtOneInstant()) {
            throw new EventBudgetExceeded("seed " + config.seed() + ": " + config.maxEventsAtOneInstant()
                    + " events without virtual time advancing at " + TraceFormat.stamp(nowNs).toString().trim()
                    + "; a zero-delay loop?");
        }
    }

    private void dispatch(Event event) {
        switch (event.kind) {
            case Event.DELIVER -> messages.deliver(event);
            case Event.TIMER -> timers.fire(event);
            case Event.SYNC -> lifecycle.completeSync(event);
            case Event.ACTION -> ((Runnable) event.payload).run();
            default -> throw new IllegalStateException("unknown event kind " + event.kind);
        }
    }

    // ---- entry points for a node's env and disk ----

    void send(Node<M> from, long to, M message) {
        messages.send(from, to, message);
    }

    void armTimer(Node<M> node, int timerId, long delayNs) {
        timers.arm(node, timerId, delayNs);
    }

    void cancelTimer(Node<M> node, int timerId) {
        timers.cancel(node, timerId);
    }

    void scheduleSyncCompletion(Node<M> node, long syncId, long lastOpSeq, long atNs) {
        lifecycle.scheduleSyncCompletion(node, syncId, lastOpSeq, atNs);
    }

    // ---- faults ----

    /**
     * Crashes a running (up or paused) node: its process is discarded, its timers and held-back events
     * dropped, and its disk's unsynced writes treated per {@code mode}. Returns false when the node was
     * not running.
     */
    public boolean crash(long nodeId, CrashMode mode) {
        requireOutsideProcess("crash");
        return lifecycle.crash(node(nodeId), mode);
    }

    /** Starts a fresh process on a crashed node's surviving disk; false unless the node was down. */
    public boolean restart(long nodeId) {
        requireOutsideProcess("restart");
        return lifecycle.restart(node(nodeId));
    }

    /** Stalls an up node: nothing is delivered to it and its timers do not fire until it resumes. */
    public boolean pause(long nodeId) {
        requireOutsideProcess("pause");
        return lifecycle.pause(node(nodeId));
    }

    /** Resumes a paused node: what it missed is delivered now, in the order it arrived. */
    public boolean resume(long nodeId) {
        requireOutsideProcess("resume");
        return lifecycle.resume(node(nodeId));
    }

    /** Changes a node's clock drift from now on; pending timers move to their new due times. */
    public void setClockDriftPpm(long nodeId, double driftPpm) {
        requireOutsideProcess("setClockDriftPpm");
        Node<M> node = node(nodeId);
        node.clock.setDriftPpm(driftPpm, nowNs);
        timers.reschedule(node);
        if (tracing) {
            traceNode(node, "clock drift " + TraceFormat.decimal3(driftPpm) + " ppm");
        }
    }

    /** Jumps a node's clock forward by {@code forwardNs}; timers that became due fire now. */
    public void jumpClock(long nodeId, long forwardNs) {
        requireOutsideProcess("jumpClock");
        Node<M> node = node(nodeId);
        node.clock.jumpForward(forwardNs, nowNs);
        timers.reschedule(node);
        if (tracing) {
            traceNode(node, "clock jump +" + TraceFormat.seconds(forwardNs));
        }
    }

    /**
     * Flips a random bit in a random durable record of a node's disk (drawn from {@code random}); the
     * node notices only when it next recovers. Returns the record position, or -1 if there was none.
     */
    public int corruptDisk(long nodeId, RandomSource random) {
        requireOutsideProcess("corruptDisk");
        Node<M> node = node(nodeId);
        int position = node.disk.corruptRandomRecord(random);
        if (tracing) {
            traceNode(node, position < 0 ? "disk corruption found no record" : "disk record " + position + " CORRUPTED");
        }
        return position;
    }

    /**
     * Runs {@code action} right after node {@code nodeId}'s next non-empty disk append, as an event at
     * the same instant (after the process's callback returns), while the append is surely unsynced: the
     * moment to crash with {@link CrashMode#TORN_TAIL}. One-shot; null disarms.
     */
    public void afterNextAppend(long nodeId, Runnable action) {
        requireOutsideProcess("afterNextAppend");
        node(nodeId).disk.afterNextAppend(action);
    }

    /** Adds {@code extraNs} to every fsync of a node's disk (0 restores normal speed). */
    public void setFsyncExtraLatencyNs(long nodeId, long extraNs) {
        requireOutsideProcess("setFsyncExtraLatencyNs");
        Node<M> node = node(nodeId);
        node.disk.setFsyncExtraLatencyNs(extraNs);
        if (tracing) {
            traceNode(node, "fsync extra latency " + TraceFormat.seconds(extraNs));
        }
    }

    /**
     * Ends every fault the world knows of: heals partitions, clears loss, duplication and delay,
     * restores disk speed and clock drift, resumes paused nodes and restarts crashed ones (failed
     * nodes, whose disks are corrupt, stay down). Clock jumps stay: clocks never go back.
     */
    public void healAll() {
        healAll(java.util.Set.of());
    }

    /** As {@link #healAll()}, except that {@code stayDown} stay as they are: dead servers remain dead. */
    public void healAll(java.util.Set<Long> stayDown) {
        requireOutsideProcess("healAll");
        if (tracing) {
            traceLine("world heal all");
        }
        network.healPartitions();
        network.clearFaults();
        for (Node<M> node : nodes) {
            if (node.disk.fsyncExtraLatencyNs() != 0) {
                setFsyncExtraLatencyNs(node.id, 0);
            }
            if (node.clock.driftPpm() != node.baselineDriftPpm) {
                setClockDriftPpm(node.id, node.baselineDriftPpm);
            }
            if (stayDown.contains(node.id)) continue;
            if (node.state == NodeState.PAUSED) {
                resume(node.id);
            } else if (node.state == NodeState.DOWN) {
                restart(node.id);
            }
        }
    }

    // ---- hooks ----

    /** Installs the check run on every send (null removes it). */
    public void setSendCheck(SendCheck<M> check) {
        messages.setSendCheck(check);
    }

    /** Puts node {@code nodeId}'s outgoing messages in the hands of {@code adversary} (null: honest). */
    public void setAdversary(long nodeId, Adversary<M> adversary) {
        node(nodeId).adversary = adversary;
    }

    /**
     * How messages are rendered in the trace; {@link String#valueOf} by default. Supply one when
     * messages hold arrays: their default {@code toString} shows identity hash codes, which differ from
     * run to run and would break byte-identical traces.
     */
    public void setMessageRenderer(Function<? super M, String> messageRenderer) {
        messages.setRenderer(messageRenderer);
    }

    /**
     * Runs {@code check} after every event (null removes it): a place for global invariants, such as
     * at most one leader per term. Keep it cheap.
     */
    public void afterEachEvent(Runnable check) {
        this.afterEachEvent = check;
    }

    // ---- trace ----

    /** Whether a trace is being written: check before building an expensive line. */
    public boolean tracing() {
        return tracing;
    }

    /** Adds a harness line, stamped with the virtual time. */
    public void trace(String text) {
        if (tracing) {
            traceLine(text);
        }
    }

    /** Adds a harness line about node {@code nodeId}, e.g. a role change. */
    public void trace(long nodeId, String text) {
        if (tracing) {
            traceNode(node(nodeId), text);
        }
    }

    void traceNode(Node<?> node, String text) {
        trace.line(TraceFormat.stamp(nowNs).append(node.name).append(' ').append(text).toString());
    }

    void traceRaw(String line) {
        trace.line(line);
    }

    private void traceLine(String text) {
        trace.line(TraceFormat.stamp(nowNs).append(text).toString());
    }

    void traceNetwork(String text) {
        if (tracing) {
            traceLine("net " + text);
        }
    }

    // ---- inspection ----

    public SimConfig config() { return config; }

    public long seed() { return config.seed(); }

    /** Global virtual time in nanoseconds (processes see their own {@link SimClock} instead). */
    public long nowNs() { return nowNs; }

    /** Events processed so far. */
    public long eventCount() { return events; }

    /** Events waiting in the queue. */
    public int pendingEventCount() { return queue.size(); }

    public SimNetwork network() { return network; }

    /** The stream reserved for fault injection; a nemesis draws every decision from it. */
    public RandomSource nemesisRandom() { return nemesisRandom; }

    /** Every node id, in registration order. */
    public List<Long> nodeIds() {
        List<Long> ids = new ArrayList<>(nodes.size());
        for (Node<M> node : nodes) {
            ids.add(node.id);
        }
        return ids;
    }

    /** Server ids, in registration order. */
    public List<Long> serverIds() {
        List<Long> ids = new ArrayList<>();
        for (Node<M> node : nodes) {
            if (node.kind == NodeKind.SERVER) {
                ids.add(node.id);
            }
        }
        return ids;
    }

    public NodeKind kind(long nodeId) { return node(nodeId).kind; }

    public NodeState state(long nodeId) { return node(nodeId).state; }

    /** The running process of a node (up or paused), or null: for harness inspection, not for driving. */
    public SimProcess<M> process(long nodeId) {
        Node<M> node = node(nodeId);
        return node.running() ? node.process : null;
    }

    /** How many processes have been started on a node. */
    public int startCount(long nodeId) { return node(nodeId).startCount; }

    public SimDisk disk(long nodeId) { return node(nodeId).disk; }

    public SimClock clock(long nodeId) { return node(nodeId).clock; }

    /** This run's fault sites: which are on, and how often they fired. */
    public SeededBuggify buggify() { return buggify; }

    /** Node {@code nodeId}'s local clock reading now. */
    public long localNs(long nodeId) { return node(nodeId).clock.localNs(nowNs); }

    /** Servers currently not serving: paused, crashed or failed. */
    public int serversDown() {
        int down = 0;
        for (Node<M> node : nodes) {
            if (node.kind == NodeKind.SERVER && node.state != NodeState.UP) {
                down++;
            }
        }
        return down;
    }

    /** A snapshot of the counters. */
    public SimStats stats() {
        long bytesAppended = 0;
        long syncsRequested = 0;
        for (Node<M> node : nodes) {
            bytesAppended += node.disk.bytesAppended();
            syncsRequested += node.disk.syncsRequested();
        }
        return new SimStats(nowNs, events, network.sent(), network.delivered(), network.duplicated(),
                network.dropped(), network.inFlight(), network.droppedPartition(), network.droppedLoss(),
                network.droppedDown(), timers.fired(), lifecycle.syncsCompleted(), lifecycle.starts(),
                lifecycle.crashes(), lifecycle.failedStarts(), lifecycle.pauses(), bytesAppended, syncsRequested);
    }

    int indexOf(long nodeId) {
        int index = indexById.get(nodeId);
        if (index < 0) {
            throw new IllegalArgumentException("unknown node id " + nodeId);
        }
        return index;
    }

    long idAt(int index) {
        return nodes.get(index).id;
    }

    private Node<M> node(long nodeId) {
        return nodes.get(indexOf(nodeId));
    }

    /** The node with this id, or null when none is registered. */
    /** The twins of identity {@code identity} (not the original), or an empty list. */
    List<Node<M>> twinsOf(long identity) {
        List<Node<M>> twins = twinsByIdentity.get(identity);
        return twins == null ? List.of() : twins;
    }

    /** The identity node {@code nodeId} has to the others (its own id unless it is a twin). */
    public long identityOf(long nodeId) {
        return node(nodeId).identity;
    }

    Node<M> nodeOrNull(long nodeId) {
        int index = indexById.get(nodeId);
        return index < 0 ? null : nodes.get(index);
    }

    /** The trace name of a node id: {@code n3}, {@code c100} for a client, {@code n77} if unknown. */
    String nameOf(long nodeId) {
        Node<M> node = nodeOrNull(nodeId);
        return node == null ? "n" + nodeId : node.name;
    }

    private void requireOutsideProcess(String operation) {
        if (inProcess) {
            throw new IllegalStateException(operation + " called from inside a process: processes act only "
                    + "through their Env and disk");
        }
    }

    private void requireNotDispatching(String operation) {
        if (dispatching) {
            throw new IllegalStateException(operation + " called while an event is being processed: the world "
                    + "is not re-entrant");
        }
    }
}
