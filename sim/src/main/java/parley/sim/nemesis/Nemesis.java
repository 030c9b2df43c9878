package parley.sim.nemesis;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import parley.core.env.RandomSource;
import parley.sim.CrashMode;
import parley.sim.FaultInjector;
import parley.sim.NodeState;
import parley.sim.Partition;
import parley.sim.SimNetwork;
import parley.sim.Simulation;
import parley.sim.TraceFormat;

/**
 * The fault scheduler: at exponentially distributed intervals it draws a fault from the configured
 * set, applies it to the world for a random duration, then undoes it. Every decision comes from the
 * world's {@linkplain Simulation#nemesisRandom() nemesis stream}, so faults replay with the seed.
 *
 * <p>Bounds: never more than {@link NemesisConfig#faultBudget()} servers crashed, paused or failed
 * at once; at most one active fault of each network-wide kind (partition, loss, duplication, delay)
 * and one of each per-node kind per node; at most one server's disk corrupted per run. Clients are
 * never touched. {@link #heal()} stops injection, undoes every active fault and asks the world to
 * {@link Simulation#healAll() heal all}.
 */
public final class Nemesis implements FaultInjector {
    private final Simulation<?> world;
    private final NemesisConfig config;
    private final RandomSource random;
    private final FaultKind[] kinds;
    private final PartitionShape[] shapes;
    private final EnumMap<FaultKind, Long> injected = new EnumMap<>(FaultKind.class);
    private final EnumMap<FaultKind, Long> skipped = new EnumMap<>(FaultKind.class);
    private final List<Fault> active = new ArrayList<>();
    private boolean running;
    /** Bumped by start and heal, so injections scheduled by an earlier start do nothing. */
    private long epoch;
    private long corruptedServer = -1;
    private boolean corruptionUsed;
    private boolean wipeUsed;

    /** One injected fault; identity matters (two equal-looking faults are still two). */
    private static final class Fault {
        final FaultKind kind;
        final long target;
        final String description;
        final Runnable undo;

        Fault(FaultKind kind, long target, String description, Runnable undo) {
            this.kind = kind;
            this.target = target;
            this.description = description;
            this.undo = undo;
        }
    }

    public Nemesis(Simulation<?> world, NemesisConfig config) {
        this.world = world;
        this.config = config;
        this.random = world.nemesisRandom();
        this.kinds = config.kindsInOrder();
        this.shapes = config.shapesInOrder();
        for (FaultKind kind : FaultKind.values()) {
            injected.put(kind, 0L);
            skipped.put(kind, 0L);
        }
    }

    @Override
    public void start() {
        if (running) {
            throw new IllegalStateException("nemesis already started");
        }
        running = true;
        epoch++;
        scheduleNextInjection(epoch);
    }

    @Override
    public void heal() {
        running = false;
        epoch++;
        for (Fault fault : new ArrayList<>(active)) {
            fault.undo.run();
        }
        active.clear();
        java.util.Set<Long> deadForGood = chooseDeadForGood();
        for (long id : deadForGood) {
            if (world.state(id) == parley.sim.NodeState.UP || world.state(id) == parley.sim.NodeState.PAUSED) {
                world.crash(id, CrashMode.LOSE_UNSYNCED);
            }
        }
        world.healAll(deadForGood);
        world.trace("nemesis healed" + (deadForGood.isEmpty() ? "" : "; dead for good: " + deadForGood));
    }

    /** Servers that this run leaves dead through the liveness phase (in one run in three, if allowed). */
    private java.util.Set<Long> chooseDeadForGood() {
        // A server whose disk is corrupt stays down anyway: it counts against the same allowance. So
        // does a wiped one: it votes only once a leader has caught it up, which it may not have yet.
        List<Long> candidates = new ArrayList<>();
        int failed = wipeUsed ? 1 : 0;
        for (long id : world.serverIds()) {
            if (world.state(id) == parley.sim.NodeState.FAILED) failed++;
            else candidates.add(id);
        }
        int most = Math.min(config.deadForGoodMax(), maxServersDown()) - failed;
        java.util.Set<Long> dead = new java.util.TreeSet<>();
        if (most <= 0 || random.nextInt(3) != 0) return dead;
        int count = 1 + random.nextInt(most);
        while (dead.size() < count) dead.add(candidates.get(random.nextInt(candidates.size())));
        return dead;
    }

    /** Faults injected so far, by kind (every kind present, in enum order). */
    public Map<FaultKind, Long> injectedCounts() {
        return Collections.unmodifiableMap(new EnumMap<>(injected));
    }

    public long injected(FaultKind kind) {
        return injected.get(kind);
    }

    /** Draws of {@code kind} that could not be applied (bound reached, no candidate). */
    public long skipped(FaultKind kind) {
        return skipped.get(kind);
    }

    /** Descriptions of the faults in force now. */
    public List<String> activeFaults() {
        List<String> descriptions = new ArrayList<>();
        for (Fault fault : active) {
            descriptions.add(fault.kind + " " + fault.description);
        }
        return descriptions;
    }

    /** The server whose disk was corrupted, if any (at most one per run). */
    public OptionalLong corruptedServer() {
        return corruptionUsed ? OptionalLong.of(corruptedServer) : OptionalLong.empty();
    }

    /** The bound on servers down at once, resolved against the current server count. */
    public int maxServersDown() {
        int servers = world.serverIds().size();
        return Math.min(config.faultBudget().maxFaulty(servers), servers);
    }

    // ---- scheduling ----

    private void scheduleNextInjection(long scheduledEpoch) {
        world.schedule(exponentialNs(config.faultIntervalNsMean()), () -> {
            if (running && epoch == scheduledEpoch) {
                injectOne();
                scheduleNextInjection(scheduledEpoch);
            }
        });
    }

    private void injectOne() {
        FaultKind kind = kinds[random.nextInt(kinds.length)];
        long durationNs = random.nextLong(config.faultDurationNsMin(), config.faultDurationNsMax() + 1);
        if (kind == FaultKind.RESTART) {
            durationNs = config.restartDelayNs();
        }
        Fault fault = inject(kind);
        if (fault == null) {
            skipped.merge(kind, 1L, Long::sum);
            return;
        }
        injected.merge(kind, 1L, Long::sum);
        active.add(fault);
        if (world.tracing()) {
            world.trace("nemesis " + kind + " " + fault.description + " for " + durationNs / 1_000_000 + "ms");
        }
        world.schedule(durationNs, () -> end(fault));
    }

    private void end(Fault fault) {
        if (!active.remove(fault)) {
            return; // already undone by a heal
        }
        fault.undo.run();
        if (world.tracing()) {
            world.trace("nemesis end " + fault.kind + " " + fault.description);
        }
    }

    // ---- the faults ----

    private Fault inject(FaultKind kind) {
        return switch (kind) {
            case PARTITION -> partition();
            case LOSS -> networkKnob(kind, "p=" + TraceFormat.decimal3(config.lossProbability()),
                    network -> network.setFaultLossProbability(config.lossProbability()),
                    network -> network.setFaultLossProbability(0));
            case DUPLICATE -> networkKnob(kind, "p=" + TraceFormat.decimal3(config.duplicateProbability()),
                    network -> network.setFaultDuplicateProbability(config.duplicateProbability()),
                    network -> network.setFaultDuplicateProbability(0));
            case DELAY -> networkKnob(kind, "up to " + config.delayNsMax() / 1_000_000 + "ms",
                    network -> network.setFaultDelayNsMax(config.delayNsMax()),
                    network -> network.setFaultDelayNsMax(0));
            case CRASH, RESTART -> crash(kind, random.nextInt(2) == 0 ? CrashMode.LOSE_UNSYNCED
                    : CrashMode.KEEP_RANDOM_PREFIX);
            case TORN_WRITE -> tornWrite();
            case PAUSE -> pause();
            case CLOCK_DRIFT -> clockDrift();
            case CLOCK_JUMP -> clockJump();
            case CORRUPT -> corrupt();
            case FSYNC_SLOW -> fsyncSlow();
            case DISK_FAILURE -> diskFailure();
            case WIPE -> wipe();
        };
    }

    private Fault networkKnob(FaultKind kind, String description,
                              java.util.function.Consumer<SimNetwork> on, java.util.function.Consumer<SimNetwork> off) {
        if (activeOfKind(kind)) {
            return null;
        }
        on.accept(world.network());
        return new Fault(kind, -1, description, () -> off.accept(world.network()));
    }

    private Fault partition() {
        List<Long> servers = world.serverIds();
        if (activeOfKind(FaultKind.PARTITION) || servers.size() < 2) {
            return null;
        }
        PartitionShape shape = shapes[random.nextInt(shapes.length)];
        if (shape == PartitionShape.FLAPPING) {
            return flapping(servers);
        }
        Partition partition = randomPartition(shape, servers);
        world.network().apply(partition);
        return new Fault(FaultKind.PARTITION, -1, partition.description(), () -> world.network().lift(partition));
    }

    private Partition randomPartition(PartitionShape shape, List<Long> servers) {
        return switch (shape) {
            case MAJORITY_MINORITY, FLAPPING -> Partition.majorityMinority(servers, random);
            case ISOLATE_ONE -> Partition.isolateRandom(servers, random);
            case ONE_WAY -> Partition.oneWayRandom(servers, random);
            case BRIDGE -> servers.size() >= 3 ? Partition.bridgeRandom(servers, random)
                    : Partition.majorityMinority(servers, random);
        };
    }

    /** A partition that is re-drawn and toggled on and off at random intervals while the fault lasts. */
    private Fault flapping(List<Long> servers) {
        List<PartitionShape> steady = new ArrayList<>();
        for (PartitionShape shape : shapes) {
            if (shape != PartitionShape.FLAPPING) {
                steady.add(shape);
            }
        }
        Flapper flapper = new Flapper(servers, steady.isEmpty() ? List.of(PartitionShape.MAJORITY_MINORITY) : steady);
        flapper.toggle();
        return new Fault(FaultKind.PARTITION, -1, "flapping", flapper::stop);
    }

    private final class Flapper {
        private final List<Long> servers;
        private final List<PartitionShape> steadyShapes;
        private Partition current;
        private boolean stopped;

        Flapper(List<Long> servers, List<PartitionShape> steadyShapes) {
            this.servers = servers;
            this.steadyShapes = steadyShapes;
        }

        void toggle() {
            if (stopped) {
                return;
            }
            if (current != null) {
                world.network().lift(current);
                current = null;
            } else {
                current = randomPartition(steadyShapes.get(random.nextInt(steadyShapes.size())), servers);
                world.network().apply(current);
            }
            world.schedule(exponentialNs(config.flapIntervalNsMean()), this::toggle);
        }

        void stop() {
            stopped = true;
            if (current != null) {
                world.network().lift(current);
                current = null;
            }
        }
    }

    private Fault crash(FaultKind kind, CrashMode mode) {
        List<Long> candidates = serversIn(NodeState.UP);
        if (candidates.isEmpty() || world.serversDown() >= maxServersDown()) {
            return null;
        }
        long target = pick(candidates);
        world.crash(target, mode);
        return new Fault(kind, target, "n" + target + " " + mode, () -> world.restart(target));
    }

    /**
     * A crash that tears a write: a server with an unsynced append now is crashed at once; otherwise a
     * random server is crashed right after its next append, before any sync can cover it.
     */
    private Fault tornWrite() {
        List<Long> candidates = serversIn(NodeState.UP);
        if (candidates.isEmpty() || world.serversDown() >= maxServersDown()) {
            return null;
        }
        List<Long> midWrite = new ArrayList<>();
        for (long id : candidates) {
            if (world.disk(id).hasUnsyncedAppend()) {
                midWrite.add(id);
            }
        }
        if (!midWrite.isEmpty()) {
            long target = pick(midWrite);
            world.crash(target, CrashMode.TORN_TAIL);
            return new Fault(FaultKind.TORN_WRITE, target, "n" + target + " now", () -> world.restart(target));
        }
        long target = pick(candidates);
        Fault fault = new Fault(FaultKind.TORN_WRITE, target, "n" + target + " at its next append", () -> {
            world.afterNextAppend(target, null);
            world.restart(target);
        });
        world.afterNextAppend(target, () -> {
            if (active.contains(fault) && world.state(target) == NodeState.UP
                    && world.serversDown() < maxServersDown()) {
                world.crash(target, CrashMode.TORN_TAIL);
            }
        });
        return fault;
    }

    private Fault pause() {
        List<Long> candidates = serversIn(NodeState.UP);
        if (candidates.isEmpty() || world.serversDown() >= maxServersDown()) {
            return null;
        }
        long target = pick(candidates);
        world.pause(target);
        return new Fault(FaultKind.PAUSE, target, "n" + target, () -> world.resume(target));
    }

    private Fault clockDrift() {
        List<Long> candidates = serversWithout(FaultKind.CLOCK_DRIFT);
        if (candidates.isEmpty()) {
            return null;
        }
        long target = pick(candidates);
        double previousPpm = world.clock(target).driftPpm();
        double driftPpm = (random.nextDouble() * 2 - 1) * config.driftPpmMax();
        world.setClockDriftPpm(target, driftPpm);
        return new Fault(FaultKind.CLOCK_DRIFT, target, "n" + target + " " + Math.round(driftPpm) + "ppm",
                () -> world.setClockDriftPpm(target, previousPpm));
    }

    private Fault clockJump() {
        List<Long> servers = world.serverIds();
        if (servers.isEmpty() || config.clockJumpNsMax() == 0) {
            return null;
        }
        long target = pick(servers);
        long jumpNs = random.nextLong(1, config.clockJumpNsMax() + 1);
        world.jumpClock(target, jumpNs);
        // A monotonic clock never steps back: the jump stays; the fault only occupies its time slot.
        return new Fault(FaultKind.CLOCK_JUMP, target, "n" + target + " +" + jumpNs / 1_000_000 + "ms", () -> {});
    }

    private Fault corrupt() {
        if (corruptionUsed || wipeUsed) {
            return null;
        }
        List<Long> candidates = new ArrayList<>();
        for (long id : serversIn(NodeState.UP)) {
            if (world.disk(id).durableRecordCount() > 0 || world.disk(id).bytesElsewhere()) {
                candidates.add(id);
            }
        }
        if (candidates.isEmpty() || world.serversDown() >= maxServersDown()) {
            return null;
        }
        long target = pick(candidates);
        int position = world.corruptDisk(target, random);
        if (position < 0) {
            return null;
        }
        corruptionUsed = true;
        corruptedServer = target;
        world.crash(target, CrashMode.LOSE_UNSYNCED);
        return new Fault(FaultKind.CORRUPT, target, "n" + target + " record " + position, () -> world.restart(target));
    }

    private Fault fsyncSlow() {
        List<Long> candidates = serversWithout(FaultKind.FSYNC_SLOW);
        if (candidates.isEmpty()) {
            return null;
        }
        long target = pick(candidates);
        world.setFsyncExtraLatencyNs(target, config.fsyncSlowNs());
        return new Fault(FaultKind.FSYNC_SLOW, target, "n" + target + " +" + config.fsyncSlowNs() / 1_000_000 + "ms",
                () -> world.setFsyncExtraLatencyNs(target, 0));
    }

    /** A server loses its data directory: crashed, wiped, and restarted empty at the end. */
    private Fault wipe() {
        // One per run, and never beside a corruption: a wiped node votes only once a leader has caught it
        // up, and a corrupted one never comes back, so two such nodes could leave a 3-voter group with
        // no majority able to elect anyone, for good (the operator's case, not the liveness phase's).
        if (wipeUsed || corruptionUsed || world.serversDown() >= maxServersDown()) {
            return null;
        }
        List<Long> candidates = upWithRealStorage();
        if (candidates.isEmpty()) {
            return null;
        }
        long target = pick(candidates);
        wipeUsed = true;
        world.crash(target, CrashMode.LOSE_UNSYNCED);
        world.disk(target).requestWipe();
        world.trace("nemesis: n" + target + " loses its data directory");
        return new Fault(FaultKind.WIPE, target, "n" + target + " wiped", () -> world.restart(target));
    }

    private Fault diskFailure() {
        if (activeOfKind(FaultKind.DISK_FAILURE) || world.serversDown() >= maxServersDown()) {
            return null;
        }
        List<Long> candidates = upWithRealStorage();
        if (candidates.isEmpty()) {
            return null;
        }
        long target = pick(candidates);
        boolean full = random.nextInt(2) == 0;
        world.disk(target).requestFailure(full);
        world.trace("nemesis: n" + target + (full ? " disk full" : " fsync fails"));
        return new Fault(FaultKind.DISK_FAILURE, target, "n" + target + (full ? " full" : " fsync errors"), () -> {
            // A full disk: the operator frees space and the node heals by itself, without a restart.
            // Failing fsyncs: the operator swaps the disk and restarts the node. A node another fault
            // holds down is left to that fault, whose restart comes with a fixed disk too.
            if (full && world.state(target) != NodeState.DOWN) {
                world.disk(target).requestRoom();
                world.trace("nemesis: n" + target + " disk has room again");
            } else if (world.state(target) == NodeState.UP || world.state(target) == NodeState.PAUSED) {
                world.crash(target, CrashMode.LOSE_UNSYNCED);
                world.restart(target);
            }
        });
    }

    // ---- helpers ----

    /** Servers up whose storage can fail or be wiped: the real log on a simulated file system. */
    private List<Long> upWithRealStorage() {
        List<Long> candidates = new ArrayList<>();
        for (long id : serversIn(NodeState.UP)) {
            if (world.disk(id).bytesElsewhere()) candidates.add(id);
        }
        return candidates;
    }

    private boolean activeOfKind(FaultKind kind) {
        for (Fault fault : active) {
            if (fault.kind == kind) {
                return true;
            }
        }
        return false;
    }

    private List<Long> serversIn(NodeState state) {
        List<Long> ids = new ArrayList<>();
        for (long id : world.serverIds()) {
            if (world.state(id) == state) {
                ids.add(id);
            }
        }
        return ids;
    }

    /** Servers that are not failed and have no active fault of {@code kind}. */
    private List<Long> serversWithout(FaultKind kind) {
        List<Long> ids = new ArrayList<>();
        for (long id : world.serverIds()) {
            if (world.state(id) == NodeState.FAILED) {
                continue;
            }
            boolean faulted = false;
            for (Fault fault : active) {
                faulted |= fault.kind == kind && fault.target == id;
            }
            if (!faulted) {
                ids.add(id);
            }
        }
        return ids;
    }

    private long pick(List<Long> ids) {
        return ids.get(random.nextInt(ids.size()));
    }

    private long exponentialNs(long meanNs) {
        return 1 + (long) (-meanNs * StrictMath.log(1.0 - random.nextDouble()));
    }
}
