package parley.host;

import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import parley.core.Check;
import parley.core.env.Env;
import parley.core.env.RandomSource;

/**
 * Runs many replicas on one node behind the node's single {@link Env}. Each replica belongs to a group
 * (a Raft group today; later a BFT replica or an eventual partition) and sees an {@code Env<P>} of
 * its own: what it sends leaves as (group, payload) through the node's {@link Outbox}, and its timers
 * live in a namespace of their own, so two replicas may both use timer 1 without knowing of each
 * other. The runtime hands every incoming message to {@link #onMessage} and every firing of a node
 * timer to {@link #onTimer}; the host routes them to the replica they belong to.
 *
 * <p>A destroyed group leaves a tombstone: a late message for it is dropped and counted, never handed
 * to a replica created afresh for it. Tombstones go to a {@link TombstoneLog} so that they outlive a
 * restart (the runtime decides how they become durable).
 *
 * <p>Single-threaded and deterministic, like the cores it hosts: it acts only through the node's
 * Env, and a runtime calls it on one thread, one event at a time.
 *
 * @param <P> the replicas' message type
 */
public final class ReplicaHost<P> {
    /** Timer ids a replica may use: 0 to {@code LOCAL_TIMER_IDS - 1}. */
    public static final int LOCAL_TIMER_IDS = 1024;
    /** Slots for replicas: node timer ids are {@code slot * LOCAL_TIMER_IDS + localId} and must fit an int. */
    private static final int SLOTS_MAX = Integer.MAX_VALUE / LOCAL_TIMER_IDS - 1;

    /** What a hosted replica receives. Called on the node's thread, one event at a time. */
    public interface Replica<P> {
        /** A message for this replica's group from node {@code from}. */
        void onMessage(long from, P payload);

        /** Timer {@code localTimerId}, armed through this replica's Env, fired. */
        void onTimer(int localTimerId);
    }

    /** Where the host sends a replica's messages: the node's transport (real or simulated). */
    @FunctionalInterface
    public interface Outbox<P> {
        void send(long to, long groupId, P payload);
    }

    /** Where destroyed groups are remembered, so a restart does not forget them. */
    public interface TombstoneLog {
        /** Groups destroyed so far (read once, at start). */
        Set<Long> load();

        /** Remembers that {@code groupId} was destroyed; durable by the time the runtime next acknowledges anything. */
        void record(long groupId);

        /** Keeps tombstones in memory only: for tests and for a node that never destroys groups. */
        static TombstoneLog inMemory() {
            Set<Long> tombstones = new TreeSet<>();
            return new TombstoneLog() {
                @Override public Set<Long> load() { return Set.copyOf(tombstones); }
                @Override public void record(long groupId) { tombstones.add(groupId); }
            };
        }
    }

    /** Counters a runtime can publish; read on the node's thread. */
    public record Counters(long delivered, long droppedUnknownGroup, long droppedDestroyedGroup, long timersFired) {}

    private final Env<?> node;
    private final Outbox<P> outbox;
    private final TombstoneLog tombstoneLog;
    private final int replicasMax;
    private final Map<Long, Hosted<P>> byGroup = new HashMap<>();
    private final Map<Integer, Hosted<P>> bySlot = new HashMap<>();
    private final Set<Long> tombstones;
    /** Slots freed by destroyed replicas, reused first (their timers were cancelled, and firings are checked against what is armed). */
    private final ArrayDeque<Integer> freeSlots = new ArrayDeque<>();
    /** Slot 0 is never handed out: its timer ids (0 to LOCAL_TIMER_IDS - 1) are the node's own, for the runtime around the host. */
    private int slotNext = 1;
    private long delivered;
    private long droppedUnknownGroup;
    private long droppedDestroyedGroup;
    private long timersFired;

    /**
     * @param node         the node's own Env: its id, clock, random source and timers (its send is not used)
     * @param outbox       sends (to, group, payload) to another node
     * @param tombstoneLog where destroyed groups are remembered
     * @param replicasMax  how many replicas this node may host at once; one more is refused
     */
    public ReplicaHost(Env<?> node, Outbox<P> outbox, TombstoneLog tombstoneLog, int replicasMax) {
        Check.that(replicasMax >= 1 && replicasMax <= SLOTS_MAX, "replicasMax must be in 1..%d: %d", SLOTS_MAX, replicasMax);
        this.node = node;
        this.outbox = outbox;
        this.tombstoneLog = tombstoneLog;
        this.replicasMax = replicasMax;
        this.tombstones = new TreeSet<>(tombstoneLog.load());
    }

    /**
     * Makes room for a replica of {@code groupId} and returns the Env it must use. The replica is
     * attached with {@link #attach} once it exists (it usually needs the Env to be built).
     *
     * @throws IllegalStateException if the group is hosted already, was destroyed, or the host is full
     */
    public Env<P> open(long groupId) {
        if (byGroup.containsKey(groupId)) throw new IllegalStateException("group " + groupId + " is already hosted on n" + node.nodeId());
        if (tombstones.contains(groupId)) {
            throw new IllegalStateException("group " + groupId + " was destroyed on n" + node.nodeId() + "; a destroyed group never comes back");
        }
        if (byGroup.size() >= replicasMax) {
            throw new IllegalStateException("n" + node.nodeId() + " hosts " + byGroup.size() + " replicas, the most it may (replicasMax)");
        }
        int slot = freeSlots.isEmpty() ? slotNext++ : freeSlots.pollFirst();
        Hosted<P> hosted = new Hosted<>(this, groupId, slot);
        byGroup.put(groupId, hosted);
        bySlot.put(slot, hosted);
        return hosted.env;
    }

    /** Attaches the replica that handles group {@code groupId}'s events (opened with {@link #open}). */
    public void attach(long groupId, Replica<P> replica) {
        Hosted<P> hosted = byGroup.get(groupId);
        Check.that(hosted != null, "attach: group %d was not opened on n%d", groupId, node.nodeId());
        Check.that(hosted.replica == null, "attach: group %d already has a replica", groupId);
        hosted.replica = replica;
    }

    /**
     * Destroys the replica of {@code groupId}: its timers are cancelled, and a tombstone makes sure no
     * later message reaches any replica of that group on this node.
     */
    public void destroy(long groupId) {
        Hosted<P> hosted = byGroup.remove(groupId);
        Check.that(hosted != null, "destroy: group %d is not hosted on n%d", groupId, node.nodeId());
        tombstones.add(groupId);
        tombstoneLog.record(groupId);
        unhost(hosted);
    }

    /**
     * Stops hosting the replica of {@code groupId} without burying the group: its timers are
     * cancelled and messages for it are dropped until it is {@link #open opened} again (its node is
     * reopening it from storage).
     */
    public void release(long groupId) {
        Hosted<P> hosted = byGroup.remove(groupId);
        Check.that(hosted != null, "release: group %d is not hosted on n%d", groupId, node.nodeId());
        unhost(hosted);
    }

    private void unhost(Hosted<P> hosted) {
        for (int localId = hosted.armed.nextSetBit(0); localId >= 0; localId = hosted.armed.nextSetBit(localId + 1)) {
            node.cancelTimer(nodeTimerId(hosted.slot, localId));
        }
        hosted.armed.clear();
        hosted.destroyed = true;
        bySlot.remove(hosted.slot);
        freeSlots.addLast(hosted.slot);
    }

    /**
     * Remembers that {@code groupId} is gone for good on this node although no replica of it runs here
     * (it was dropped while this node was down, or before it opened the group): it is never opened again.
     */
    public void bury(long groupId) {
        Check.that(!byGroup.containsKey(groupId), "bury: group %d is hosted on n%d; destroy it instead", groupId, node.nodeId());
        if (tombstones.add(groupId)) tombstoneLog.record(groupId);
    }

    /** Whether {@code groupId} is hosted here now. */
    public boolean hosts(long groupId) {
        return byGroup.containsKey(groupId);
    }

    /** Whether {@code groupId} was destroyed on this node. */
    public boolean destroyed(long groupId) {
        return tombstones.contains(groupId);
    }

    /** The groups hosted here, in order. */
    public Set<Long> groups() {
        return new TreeSet<>(byGroup.keySet());
    }

    /** How many replicas run here. */
    public int size() {
        return byGroup.size();
    }

    public Counters counters() {
        return new Counters(delivered, droppedUnknownGroup, droppedDestroyedGroup, timersFired);
    }

    /**
     * A message for group {@code groupId} arrived from node {@code from}. Handed to that group's
     * replica; dropped (and counted) if the group is not hosted here or was destroyed.
     *
     * @return whether a replica received it
     */
    public boolean onMessage(long from, long groupId, P payload) {
        Hosted<P> hosted = byGroup.get(groupId);
        if (hosted == null || hosted.replica == null) {
            if (tombstones.contains(groupId)) droppedDestroyedGroup++;
            else droppedUnknownGroup++;
            return false;
        }
        if (hosted.destroyed) Check.that(false, "host: message for destroyed group %d reached its replica", groupId); // no varargs per message
        delivered++;
        hosted.replica.onMessage(from, payload);
        return true;
    }

    /**
     * Node timer {@code nodeTimerId} fired: handed to the replica that armed it, if it still exists.
     *
     * @return the group whose replica got it, or -1 when none did (destroyed or cancelled meanwhile)
     */
    public long onTimer(int nodeTimerId) {
        int slot = nodeTimerId / LOCAL_TIMER_IDS;
        int localId = nodeTimerId % LOCAL_TIMER_IDS;
        Hosted<P> hosted = bySlot.get(slot);
        if (hosted == null || !hosted.armed.get(localId) || hosted.replica == null) return -1; // destroyed or cancelled meanwhile
        hosted.armed.clear(localId);
        timersFired++;
        hosted.replica.onTimer(localId);
        return hosted.groupId;
    }

    private static int nodeTimerId(int slot, int localId) {
        return slot * LOCAL_TIMER_IDS + localId;
    }

    /** One hosted replica: its group, its timer slot, the local timers it has armed. */
    private static final class Hosted<P> {
        final long groupId;
        final int slot;
        /** Local timer ids armed and not yet fired or cancelled. */
        final BitSet armed = new BitSet();
        final Env<P> env;
        Replica<P> replica;
        boolean destroyed;

        Hosted(ReplicaHost<P> host, long groupId, int slot) {
            this.groupId = groupId;
            this.slot = slot;
            this.env = new GroupEnv<>(host, this);
        }
    }

    /** The Env a hosted replica sees: the node's clock and randomness, its group's sends, its own timers. */
    private record GroupEnv<P>(ReplicaHost<P> host, Hosted<P> hosted) implements Env<P> {
        @Override public long nodeId() { return host.node.nodeId(); }

        @Override public long nowNs() { return host.node.nowNs(); }

        @Override public RandomSource random() { return host.node.random(); }

        @Override public parley.core.env.Buggify buggify() { return host.node.buggify(); }

        @Override
        public void send(long to, P message) {
            if (hosted.destroyed) return; // a destroyed replica's leftovers say nothing
            host.outbox.send(to, hosted.groupId, message);
        }

        @Override
        public void setTimer(int timerId, long delayNs) {
            checkLocal(timerId);
            if (hosted.destroyed) return;
            hosted.armed.set(timerId);
            host.node.setTimer(nodeTimerId(hosted.slot, timerId), delayNs);
        }

        @Override
        public void cancelTimer(int timerId) {
            checkLocal(timerId);
            if (!hosted.armed.get(timerId)) return;
            hosted.armed.clear(timerId);
            host.node.cancelTimer(nodeTimerId(hosted.slot, timerId));
        }

        private static void checkLocal(int timerId) {
            if (timerId < 0 || timerId >= LOCAL_TIMER_IDS) {
                Check.that(false, "a replica's timer ids are 0..%d: %d", LOCAL_TIMER_IDS - 1, timerId);
            }
        }
    }
}
