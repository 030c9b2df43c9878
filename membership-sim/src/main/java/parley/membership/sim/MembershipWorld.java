package parley.membership.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.BooleanSupplier;

import parley.core.env.RandomSource;
import parley.core.env.SplittableRandomSource;
import parley.membership.Member;
import parley.membership.MemberState;
import parley.membership.SwimMessage;
import parley.membership.SwimNode;

/**
 * A lean deterministic world for thousands of {@link SwimNode}s: one event queue in virtual time, a
 * network with latency, loss and partitions, slow nodes (inbound delay and stalls), crashes and restarts.
 * It runs the same membership core the server runs; only the {@link parley.core.env.Env} differs.
 *
 * <p>Why not {@code parley.sim.Simulation}: that world gives every node a disk, a drifting clock, a
 * timer table and a pause buffer, and keeps partitions as an N x N matrix of link counters, which is
 * right for five Raft servers and wrong for 10,000 members (the matrix alone would be 400 MB). Here
 * per-node state is a few arrays, partitions are a side per node, and the only O(N^2) memory is the
 * members' own views, which SWIM needs anyway.
 *
 * <p>Node {@code i} (0-based index) has id {@code i + 1}. The same seed gives the same run.
 */
public final class MembershipWorld {
    private static final int TIMER_SLOTS = 5;
    private static final long NS_PER_MS = 1_000_000L;

    private final WorldConfig config;
    private final int size;
    private final SwimNode[] nodes;
    private final int[] lives;
    private final boolean[] crashed;
    private final boolean[] slow;
    private final boolean[] paused;
    private final List<List<WorldEvent>> pauseBuffers;
    private final long[] clockOffsetNs;
    private final long[] timerGenerations;
    private final int[] side;
    private final String[] addresses;
    private final PriorityQueue<WorldEvent> queue = new PriorityQueue<>(
            Comparator.comparingLong((WorldEvent e) -> e.timeNs).thenComparingLong(e -> e.order));
    private final RandomSource networkRandom;
    private final RandomSource faultRandom;
    private final Observations observations;

    private long nowNs;
    private long nextOrder;
    private long events;
    private long messagesSent;
    private long messagesLost;
    private long stalls;
    private boolean partitioned;
    private int running;

    public MembershipWorld(WorldConfig config) {
        this.config = config;
        this.size = config.nodes();
        this.nodes = new SwimNode[size];
        this.lives = new int[size];
        this.crashed = new boolean[size];
        this.slow = new boolean[size];
        this.paused = new boolean[size];
        this.pauseBuffers = new ArrayList<>(size);
        this.clockOffsetNs = new long[size];
        this.timerGenerations = new long[size * TIMER_SLOTS];
        this.side = new int[size];
        this.addresses = new String[size];
        SplittableRandomSource root = new SplittableRandomSource(config.seed());
        // Split order is part of the determinism contract: append new streams at the end only.
        this.networkRandom = root.split();
        this.faultRandom = root.split();
        RandomSource clockRandom = root.split();
        for (int i = 0; i < size; i++) {
            pauseBuffers.add(null);
            addresses[i] = addressOf(i, 0);
            clockOffsetNs[i] = config.clockOffsetMsMax() == 0 ? 0 : clockRandom.nextLong(0, config.clockOffsetMsMax() * NS_PER_MS);
        }
        this.observations = new Observations(this);
        chooseSlowNodes();
    }

    static long idOf(int index) {
        return index + 1L;
    }

    static int indexOf(long id) {
        return (int) (id - 1);
    }

    private static String addressOf(int index, int life) {
        return "10." + (index >> 16 & 255) + "." + (index >> 8 & 255) + "." + (index & 255) + ":" + (7946 + life);
    }

    // ---- building the cluster ----

    /** Starts every node already knowing every other (as a server does from its Raft configuration). */
    public void bootstrapAll() {
        List<Member> everyone = new ArrayList<>(size);
        for (int i = 0; i < size; i++) everyone.add(new Member(idOf(i), addresses[i], 0, MemberState.ALIVE));
        for (int i = 0; i < size; i++) {
            SwimNode node = newNode(i, 0);
            node.bootstrap(everyone);
            node.start(List.of());
        }
    }

    /** Starts node {@code index} knowing only itself; it joins through {@code seedIds}. */
    public void startJoining(int index, List<Long> seedIds) {
        newNode(index, 0).start(seedIds);
    }

    private SwimNode newNode(int index, long incarnation) {
        int life = ++lives[index];
        RandomSource random = new SplittableRandomSource(mix(config.seed(), idOf(index), life));
        WorldEnv env = new WorldEnv(this, index, life, random);
        SwimNode node = new SwimNode(env, config.swim(), addresses[index], incarnation, observations.listenerFor(index), size);
        if (nodes[index] == null || crashed[index]) running++;
        nodes[index] = node;
        crashed[index] = false;
        return node;
    }

    private static long mix(long seed, long id, long life) {
        long z = seed + id * 0x9E3779B97F4A7C15L + life * 0xD1B54A32D192ED03L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private void chooseSlowNodes() {
        int count = (int) Math.round(config.slowFraction() * size);
        int[] order = new int[size];
        for (int i = 0; i < size; i++) order[i] = i;
        for (int i = 0; i < count; i++) {
            int j = i + faultRandom.nextInt(size - i);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
            slow[order[i]] = true;
            scheduleNextStall(order[i]);
        }
    }

    // ---- running ----

    /** Runs every event due at or before {@code timeNs}. */
    public void runUntil(long timeNs) {
        for (WorldEvent next = queue.peek(); next != null && next.timeNs <= timeNs; next = queue.peek()) {
            step(queue.poll());
        }
        nowNs = Math.max(nowNs, timeNs);
    }

    /**
     * Runs until {@code condition} holds, checking it every {@code checkEveryNs} of virtual time, or until
     * {@code deadlineNs}; returns whether it held.
     */
    public boolean runUntil(BooleanSupplier condition, long checkEveryNs, long deadlineNs) {
        while (!condition.getAsBoolean()) {
            if (nowNs >= deadlineNs) return false;
            runUntil(Math.min(deadlineNs, nowNs + checkEveryNs));
        }
        return true;
    }

    private void step(WorldEvent event) {
        nowNs = event.timeNs;
        events++;
        if (event.kind == WorldEvent.ACTION) {
            event.action.run();
            return;
        }
        int index = event.node;
        if (event.life != lives[index] || crashed[index]) return;
        if (paused[index]) {
            pauseBuffers.get(index).add(event);
            return;
        }
        if (event.kind == WorldEvent.TIMER) {
            if (event.generation != timerGenerations[index * TIMER_SLOTS + event.timerId]) return;
            nodes[index].onTimer(event.timerId);
        } else {
            if (partitioned && side[event.from] != side[index]) {
                messagesLost++;
                return;
            }
            nodes[index].onMessage(idOf(event.from), event.message);
        }
    }

    private void enqueue(WorldEvent event, long timeNs) {
        event.timeNs = timeNs;
        event.order = nextOrder++;
        queue.add(event);
    }

    /** Runs {@code action} at {@code timeNs} of virtual time, between node events. */
    public void at(long timeNs, Runnable action) {
        WorldEvent event = new WorldEvent(WorldEvent.ACTION);
        event.action = action;
        enqueue(event, Math.max(timeNs, nowNs));
    }

    // ---- the Env's effects ----

    long localNowNs(int index) {
        return nowNs + clockOffsetNs[index];
    }

    void send(int fromIndex, int life, long toId, SwimMessage message) {
        if (life != lives[fromIndex] || crashed[fromIndex]) return;
        messagesSent++;
        observations.onSend(fromIndex);
        int to = indexOf(toId);
        if (to < 0 || to >= size) {
            messagesLost++;
            return;
        }
        if ((partitioned && side[fromIndex] != side[to]) || networkRandom.nextDouble() < config.lossProbability()) {
            messagesLost++;
            return;
        }
        long latencyUs = config.latencyUsMin() + exponential(networkRandom, config.latencyUsMeanTail());
        latencyUs = Math.min(latencyUs, config.latencyUsMax());
        long delayNs = latencyUs * 1_000L;
        if (slow[to] && config.slowInboundDelayMsMean() > 0) {
            delayNs += Math.min(10 * config.slowInboundDelayMsMean(), exponential(networkRandom, config.slowInboundDelayMsMean())) * NS_PER_MS;
        }
        WorldEvent event = new WorldEvent(WorldEvent.DELIVER);
        event.node = to;
        event.from = fromIndex;
        event.life = lives[to];
        event.message = message;
        enqueue(event, nowNs + delayNs);
    }

    void armTimer(int index, int life, int timerId, long delayNs) {
        if (life != lives[index]) return;
        long generation = ++timerGenerations[index * TIMER_SLOTS + timerId];
        WorldEvent event = new WorldEvent(WorldEvent.TIMER);
        event.node = index;
        event.timerId = timerId;
        event.generation = generation;
        event.life = life;
        enqueue(event, nowNs + Math.max(0, delayNs));
    }

    void cancelTimer(int index, int life, int timerId) {
        if (life != lives[index]) return;
        timerGenerations[index * TIMER_SLOTS + timerId]++;
    }

    private static long exponential(RandomSource random, long mean) {
        if (mean <= 0) return 0;
        return (long) (-Math.log(1 - random.nextDouble()) * mean);
    }

    // ---- faults ----

    /** Crashes node {@code index}: it stops, everything addressed to it is lost. */
    public void crash(int index) {
        if (crashed[index] || nodes[index] == null) return;
        crashed[index] = true;
        running--;
        paused[index] = false;
        pauseBuffers.set(index, null);
        observations.onCrash(index);
    }

    /** Restarts a crashed node with a fresh view (it forgot everything), possibly at a new address. */
    public void restart(int index, boolean newAddress, List<Long> seedIds) {
        if (!crashed[index]) throw new IllegalStateException("n" + idOf(index) + " is not crashed");
        if (newAddress) addresses[index] = addressOf(index, lives[index] + 1);
        observations.onRestart(index);
        newNode(index, 0).start(seedIds);
    }

    /** Stalls node {@code index} for {@code durationNs}: nothing is delivered, no timer fires; all of it happens late. */
    public void pause(int index, long durationNs) {
        if (crashed[index] || paused[index]) return;
        paused[index] = true;
        stalls++;
        pauseBuffers.set(index, new ArrayList<>());
        at(nowNs + durationNs, () -> resume(index));
    }

    private void resume(int index) {
        if (!paused[index]) return;
        paused[index] = false;
        List<WorldEvent> held = pauseBuffers.get(index);
        pauseBuffers.set(index, null);
        // Everything that came due while stalled happens now, in its original order.
        for (WorldEvent event : held) enqueue(event, nowNs);
    }

    private void scheduleNextStall(int index) {
        long runMs = exponential(faultRandom, config.slowPauseEveryMsMean());
        long pauseMs = config.slowPauseMsMin() + (config.slowPauseMsMax() == config.slowPauseMsMin() ? 0
                : faultRandom.nextLong(0, config.slowPauseMsMax() - config.slowPauseMsMin() + 1));
        at(nowNs + runMs * NS_PER_MS, () -> {
            if (config.slowPauseMsMax() > 0) pause(index, pauseMs * NS_PER_MS);
            scheduleNextStall(index);
        });
    }

    /** Cuts the network between nodes of different sides ({@code sides[i]} for node i). */
    public void partition(int[] sides) {
        if (sides.length != size) throw new IllegalArgumentException("one side per node");
        System.arraycopy(sides, 0, side, 0, size);
        partitioned = true;
    }

    public void healPartition() {
        partitioned = false;
    }

    /** Node {@code index} leaves gracefully. */
    public void leave(int index) {
        nodes[index].leave();
    }

    // ---- looking at it ----

    public long nowNs() { return nowNs; }
    public int size() { return size; }
    public SwimNode node(int index) { return nodes[index]; }
    public boolean isCrashed(int index) { return crashed[index]; }
    public boolean isSlow(int index) { return slow[index]; }
    public long events() { return events; }
    public long messagesSent() { return messagesSent; }
    public long messagesLost() { return messagesLost; }
    public long stalls() { return stalls; }
    public Observations observations() { return observations; }
    public WorldConfig config() { return config; }
    public RandomSource faultRandom() { return faultRandom; }
    public String address(int index) { return addresses[index]; }

    /** How many nodes are not crashed. */
    public int liveCount() {
        return running;
    }

    /**
     * Whether every running node sees every running node ALIVE (at its current address) and every
     * crashed node as not ALIVE. O(N^2): for small clusters and tests.
     */
    public boolean viewsConverged() {
        for (int i = 0; i < size; i++) {
            if (crashed[i] || nodes[i] == null) continue;
            for (int j = 0; j < size; j++) {
                if (nodes[j] == null) continue;
                Member seen = nodes[i].member(idOf(j));
                if (crashed[j]) {
                    if (seen != null && seen.state() == MemberState.ALIVE) return false;
                } else if (seen == null || seen.state() != MemberState.ALIVE || !seen.address().equals(addresses[j])) {
                    return false;
                }
            }
        }
        return true;
    }
}
