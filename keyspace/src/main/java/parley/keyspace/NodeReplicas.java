package parley.keyspace;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import parley.core.Check;
import parley.core.env.Env;
import parley.host.ReplicaHost;
import parley.kv.KeyRange;
import parley.kv.KvCommand;
import parley.kv.KvResult;
import parley.raft.ClusterConfig;
import parley.raft.RaftMessage;
import parley.raft.RaftStorage;
import parley.replica.KvReplica;
import parley.replica.LeaseClockFactory;
import parley.replica.RaftNodeFactory;
import parley.replica.ReplicaError;
import parley.replica.ReplicaObserver;
import parley.replica.ReplicaSettings;

/**
 * Every Raft KV replica one node runs, on one {@link ReplicaHost}: the default group (keys outside
 * every keyspace), and, with keyspaces on, the metadata group holding the {@link KeyspaceRegistry}
 * and one group per keyspace this node replicates. Deterministic: the server and the simulator both
 * run it, so what a node does when a keyspace is created or dropped is simulated like the rest.
 *
 * <p>Groups follow the registry. After every event the node compares the metadata group's revision
 * with the registry it last read; on a change it reads the registry from its local store and
 * reconciles: it opens (recovering or bootstrapping) the group of every keyspace it replicates, and
 * destroys the group of every dropped keyspace, burying it so that it never comes back (not on a
 * late message, not after a restart that replays an older registry). Messages never create groups.
 */
public final class NodeReplicas {
    /** Storage for each group: the runtime decides where it lives. */
    public interface GroupStorage {
        /**
         * The group's storage, recovered if it exists, empty otherwise.
         *
         * @throws java.io.UncheckedIOException when it cannot be opened now (a full disk, an I/O error):
         *                                      the group stays closed and is tried again later
         */
        RaftStorage open(long groupId);

        /**
         * An empty engine for the group's key-value state, replacing (and closing) any the group had: the
         * state is rebuilt from the group's snapshot and log each time its replica starts. The default is
         * an engine on the heap (the simulator's); a server keeps it on disk.
         *
         * @throws java.io.UncheckedIOException when it cannot be opened now; the group is tried again later
         */
        default parley.engine.KvEngine openEngine(long groupId) {
            return new parley.engine.MemoryEngine();
        }

        /** Deletes what the group stored; called after its replica is destroyed and buried. Idempotent. */
        void delete(long groupId);

        /**
         * Null when the disk takes writes again after it filled up, else why not (asked before the
         * groups whose storage failed are reopened). A runtime that cannot tell says null.
         */
        default String spaceProblem() {
            return null;
        }

        /** Whether group {@code groupId}'s storage failed, so that only reopening it makes it usable again. */
        default boolean failed(long groupId) {
            return false;
        }

        /**
         * Closes group {@code groupId}'s failed storage and opens it again: recovered from what is on
         * disk, as at a restart.
         *
         * @throws java.io.UncheckedIOException when it cannot be opened now; it is tried again later
         */
        default RaftStorage reopen(long groupId) {
            throw new UnsupportedOperationException("this runtime cannot reopen storage in place");
        }
    }

    /** Lets a runtime wrap the Env a group's replica sees (the simulator checks durability order there). */
    @FunctionalInterface
    public interface EnvWrapper {
        EnvWrapper NONE = (groupId, env) -> env;

        Env<RaftMessage> wrap(long groupId, Env<RaftMessage> env);
    }

    /** Sends this node's liveness ping (with its boot id) to another node: the runtime's transport. */
    @FunctionalInterface
    public interface Pinger {
        Pinger NONE = (to, bootId) -> { };

        void ping(long to, long bootId);
    }

    /** What the runtime hears about groups coming and going. Called on the node's thread. */
    public interface Listener {
        Listener NONE = new Listener() {};

        /** Group {@code groupId}'s replica started (at start, or when the registry created its keyspace). */
        default void onGroupStarted(long groupId, KvReplica replica) {}

        /** Group {@code groupId}'s replica was destroyed (its keyspace was dropped). */
        default void onGroupDestroyed(long groupId) {}

        /** The registry changed. */
        default void onRegistryChanged(KeyspaceRegistry registry) {}

        /** Group {@code groupId}'s storage could not be opened; it is tried again later. */
        default void onGroupOpenFailed(long groupId, String detail) {}

        /**
         * The disk that filled up still takes no writes ({@code problem} says why); tried again every
         * {@link #HEAL_RETRY_NS}. A runtime logs it at a bounded rate.
         */
        default void onDiskStillFull(String problem) {}

        /** The disk takes writes again: {@code reopened} groups were reopened from storage; writes are accepted again. */
        default void onDiskHealed(Set<Long> reopened) {}
    }

    /**
     * How one node's replicas are made: everything but the group id and founders is shared.
     *
     * @param bootstrap whether the default and metadata groups may be founded on empty storage (a new
     *                  cluster's first start); otherwise empty storage joins, voting only once caught up
     * @param lostState whether this node once started without the data it had (a wiped data directory):
     *                  then no group is ever founded here on empty storage, as a keyspace's group it
     *                  replicated before would be founded afresh and could vote twice in a term or with
     *                  entries it lost; every group it opens empty joins instead
     */
    public record Settings(ReplicaSettings replica, ClusterConfig founders, RaftNodeFactory raftNodes, LeaseClockFactory leaseClocks,
                           boolean keyspaces, boolean bootstrap, boolean lostState) {
        public Settings(ReplicaSettings replica, ClusterConfig founders, RaftNodeFactory raftNodes, LeaseClockFactory leaseClocks,
                        boolean keyspaces) {
            this(replica, founders, raftNodes, leaseClocks, keyspaces, true, false);
        }
    }

    /** The node's own timer (slot 0 of the host's timer space, which no replica gets). */
    private static final int LIVENESS_TIMER_ID = 1;
    /** The node's timer for another look at a disk that filled up. */
    private static final int HEAL_TIMER_ID = 2;
    /** How often a node whose disk filled up looks whether it has room again. */
    public static final long HEAL_RETRY_NS = 1_000_000_000L;

    private final Env<?> node;
    private final ReplicaHost<RaftMessage> host;
    private final Pinger pinger;
    /** Drawn at start: a peer that sees it change knows this node restarted. */
    private long bootId;
    private final Map<Long, Long> lastHeardNs = new TreeMap<>();
    private final Map<Long, Long> peerBootIds = new TreeMap<>();
    private final Set<Long> suspected = new TreeSet<>();
    /** Groups whose replicas an event touched since the runtime last asked (see {@link #drainTouched}). */
    private final Set<Long> touched = new java.util.HashSet<>();
    private boolean allTouched = true;
    /** The default group's configuration when {@link #followDefaultMembership} last looked. */
    private ClusterConfig defaultConfigSeen;
    private final GroupStorage storage;
    /** The heap every group's cache of hot keys shares on this node. */
    private final parley.kv.LiveCacheBudget cacheBudget = new parley.kv.LiveCacheBudget(parley.kv.LiveCacheBudget.NODE_BYTES_DEFAULT);
    private final EnvWrapper envWrapper;
    private final Settings settings;
    private final java.util.function.LongFunction<ReplicaObserver> observers;
    private final Listener listener;
    private final Map<Long, KvReplica> replicas = new TreeMap<>();
    private KvReplica defaultReplica;
    private KvReplica metadata;
    private KeyspaceRegistry registry;
    private String diskFailure;
    /** Whether {@link #diskFailure} is a full disk, which heals once there is room (an fsync failure never does). */
    private boolean diskHealable;
    /** Groups closed to be reopened from storage whose reopening failed; tried again with the next heal. */
    private final Set<Long> reopenPending = new TreeSet<>();
    private boolean started;
    /** Keyspace groups this node should host but whose storage failed to open, with their founders. */
    private final Map<Long, ClusterConfig> openPending = new TreeMap<>();
    /** Steps of keyspace changes this node proposed, with when: each is proposed again only after an election timeout. */
    private final Map<String, Long> changeProposedNs = new TreeMap<>();
    private long openRetryAtNs;
    /** How long a node waits before trying again to open a group whose storage failed (a full disk rarely empties at once). */
    static final long OPEN_RETRY_NS = 1_000_000_000L;

    /**
     * @param node      the node's own Env (its id, clock, randomness and timers)
     * @param outbox    sends (to, group, message)
     * @param observers the observer for each group's replica
     */
    public NodeReplicas(Env<?> node, ReplicaHost.Outbox<RaftMessage> outbox, Pinger pinger, ReplicaHost.TombstoneLog tombstones,
                        int replicasMax, GroupStorage storage, EnvWrapper envWrapper, Settings settings,
                        java.util.function.LongFunction<ReplicaObserver> observers, Listener listener) {
        this.node = node;
        this.pinger = pinger;
        this.host = new ReplicaHost<>(node, outbox, tombstones, replicasMax);
        this.storage = storage;
        this.envWrapper = envWrapper;
        this.settings = settings;
        this.observers = observers;
        this.listener = listener;
        this.registry = KeyspaceRegistry.empty(Keyspace.defaultKeyspace(KvReplica.DEFAULT_GROUP_ID, new TreeSet<>(settings.founders().voters())));
    }

    /** Starts the default group (and the metadata group, then the keyspaces its registry names). Call once. */
    public void start() {
        Check.that(!started, "NodeReplicas.start called twice on n%d", node.nodeId());
        started = true;
        defaultReplica = openGroup(KvReplica.DEFAULT_GROUP_ID, settings.founders());
        if (settings.keyspaces()) {
            metadata = openGroup(KeyspaceRegistry.METADATA_GROUP_ID, settings.founders());
            afterEvent();
        }
        if (quiescing()) {
            bootId = node.random().nextLong();
            for (long peer : peers()) lastHeardNs.put(peer, node.nowNs()); // nobody is suspected at start
            node.setTimer(LIVENESS_TIMER_ID, settings.replica().raft().heartbeatIntervalNs());
        }
    }

    // ---- node-level liveness: what wakes quiesced groups ----

    private boolean quiescing() {
        return settings.replica().raft().quiesce();
    }

    /** Every other node this one shares a group with (the founders, and members the default group learned of). */
    private Set<Long> peers() {
        Set<Long> peers = new TreeSet<>(settings.founders().members());
        if (defaultReplica != null && defaultReplica.status() != null) peers.addAll(defaultReplica.status().config().members());
        peers.remove(node.nodeId());
        return peers;
    }

    /**
     * Every heartbeat interval: a ping to every peer (one message per node pair, whatever the number of
     * groups: quiesced groups send nothing), and a look for peers silent for an election timeout.
     * A quiesced follower whose leader's node falls silent wakes, so that an election can replace it.
     */
    private void onLivenessTimer() {
        node.setTimer(LIVENESS_TIMER_ID, settings.replica().raft().heartbeatIntervalNs());
        long silentSinceNs = node.nowNs() - settings.replica().raft().electionTimeoutNsMin();
        for (long peer : peers()) {
            pinger.ping(peer, bootId);
            long heard = lastHeardNs.computeIfAbsent(peer, p -> node.nowNs());
            if (heard < silentSinceNs && suspected.add(peer)) {
                for (KvReplica replica : List.copyOf(replicas.values())) {
                    if (replica.isQuiesced() && !replica.isLeader() && replica.status().leaderId() == peer) {
                        replica.wake();
                        allTouched = true;
                    }
                }
            }
        }
    }

    /** Heard from {@code peer}: alive. One that comes back, or restarted, gets heartbeats from the groups this node leads. */
    private void heard(long peer, long peerBootId) {
        if (!quiescing()) return;
        lastHeardNs.put(peer, node.nowNs());
        boolean back = suspected.remove(peer);
        if (peerBootId != 0) {
            Long previous = peerBootIds.put(peer, peerBootId);
            back |= previous != null && previous != peerBootId;
        }
        if (!back) return;
        for (KvReplica replica : List.copyOf(replicas.values())) {
            if (replica.isQuiesced() && replica.isLeader() && replica.status().config().members().contains(peer)) {
                replica.wake();
                allTouched = true;
            }
        }
    }

    /** Node {@code from}'s liveness ping arrived. */
    public void onPing(long from, long fromBootId) {
        heard(from, fromBootId);
        afterEvent();
    }

    // ---- events from the runtime ----

    /** A message for group {@code groupId} from node {@code from}. */
    public void onMessage(long from, long groupId, RaftMessage message) {
        heard(from, 0);
        if (host.onMessage(from, groupId, message)) touched.add(groupId);
        afterEvent();
    }

    /** Node timer {@code nodeTimerId} fired. */
    public void onTimer(int nodeTimerId) {
        if (nodeTimerId < ReplicaHost.LOCAL_TIMER_IDS) {
            Check.that(nodeTimerId == LIVENESS_TIMER_ID || nodeTimerId == HEAL_TIMER_ID, "unknown node timer %d", nodeTimerId);
            if (nodeTimerId == LIVENESS_TIMER_ID) onLivenessTimer();
            else tryHeal();
        } else {
            long groupId = host.onTimer(nodeTimerId);
            if (groupId >= 0) touched.add(groupId);
        }
        afterEvent();
    }

    /** Group {@code groupId}'s storage completed sync {@code syncId}; a group destroyed meanwhile ignores it. */
    public void onSyncComplete(long groupId, long syncId) {
        KvReplica replica = replicas.get(groupId);
        if (replica != null) {
            replica.onSyncComplete(syncId);
            touched.add(groupId);
        }
        afterEvent();
    }

    /**
     * The node's disk failed: every group refuses writes and hands leadership away. When a write found
     * the disk full ({@code noSpace}), the node looks every {@link #HEAL_RETRY_NS} whether it has room
     * again, and then reopens the groups whose storage failed and accepts writes again: no restart. A
     * failed fsync stays failed until the node restarts (the kernel's cache may no longer match the disk).
     */
    public void diskFailed(String detail, boolean noSpace) {
        boolean first = diskFailure == null;
        diskFailure = detail;
        diskHealable = first ? noSpace : diskHealable && noSpace;
        allTouched = true;
        for (KvReplica replica : List.copyOf(replicas.values())) replica.diskFailed(detail);
        if (diskHealable) node.setTimer(HEAL_TIMER_ID, HEAL_RETRY_NS);
        else node.cancelTimer(HEAL_TIMER_ID);
        afterEvent();
    }

    /** Why this node refuses writes because of its disk, or null. */
    public String diskFailure() {
        return diskFailure;
    }

    /**
     * The heal timer: once the disk takes writes again, every group whose storage failed is closed
     * (its waiting requests answered, its watches ended) and opened again from storage, as at a
     * restart; every other group just accepts writes again.
     */
    private void tryHeal() {
        if (diskFailure == null || !diskHealable) return;
        String problem = storage.spaceProblem();
        if (problem != null) {
            listener.onDiskStillFull(problem);
            node.setTimer(HEAL_TIMER_ID, HEAL_RETRY_NS);
            return;
        }
        Set<Long> reopened = new TreeSet<>();
        for (long groupId : List.copyOf(replicas.keySet())) {
            if (!storage.failed(groupId)) continue;
            KvReplica failed = replicas.remove(groupId);
            failed.close(KvReplica.CLOSED_FOR_REOPEN_REASON);
            host.release(groupId);
            if (groupId == KvReplica.DEFAULT_GROUP_ID) defaultReplica = null;
            if (groupId == KeyspaceRegistry.METADATA_GROUP_ID) metadata = null;
            reopenPending.add(groupId);
        }
        for (long groupId : List.copyOf(reopenPending)) {
            if (reopen(groupId)) {
                reopenPending.remove(groupId);
                reopened.add(groupId);
            }
        }
        if (!reopenPending.isEmpty()) {
            node.setTimer(HEAL_TIMER_ID, HEAL_RETRY_NS);
            return;
        }
        diskFailure = null;
        diskHealable = false;
        allTouched = true;
        for (KvReplica replica : List.copyOf(replicas.values())) replica.diskRecovered();
        listener.onDiskHealed(reopened);
    }

    /** Opens group {@code groupId} again from its storage; false (tried again later) when it cannot be opened now. */
    private boolean reopen(long groupId) {
        ClusterConfig founders = settings.founders();
        for (Keyspace keyspace : registry.keyspaces()) {
            if (keyspace.groupId() == groupId) founders = ClusterConfig.of(keyspace.replicas(), java.util.Set.of());
        }
        KvReplica replica;
        try {
            replica = startGroup(groupId, storage.reopen(groupId), founders);
        } catch (java.io.UncheckedIOException e) {
            listener.onGroupOpenFailed(groupId, e.getMessage());
            return false;
        }
        if (groupId == KvReplica.DEFAULT_GROUP_ID) defaultReplica = replica;
        if (groupId == KeyspaceRegistry.METADATA_GROUP_ID) metadata = replica;
        return true;
    }

    /**
     * Call after anything else touched a replica (a client request): a metadata write may have applied
     * within it. Cheap when the registry did not change.
     */
    public void afterEvent() {
        if (metadata != null && metadata.revision() != registry.revision()) reconcile(readRegistry());
        if (!openPending.isEmpty() && node.nowNs() >= openRetryAtNs) retryOpens();
        followDefaultMembership();
        driveChanges();
    }

    /**
     * Moves keyspaces that are being created or dropped along, each step taken by the leader of the
     * group it concerns, as a pure function of replicated state (so a crash anywhere only delays it):
     * <ul>
     *   <li>CREATING at revision R: the default group's leader fences the default group at R (it then
     *       refuses whatever a node routed by an older registry, which may not know the keyspace);
     *       once this node's default replica has applied that fence, the metadata leader makes the
     *       keyspace ACTIVE;</li>
     *   <li>DROPPING at R: the keyspace group's leader fences it at R; once applied here, the metadata
     *       leader removes the keyspace, and every node destroys its group.</li>
     * </ul>
     * A step is proposed again if it has not taken effect within an election timeout (lost with a
     * leader); a step proposed twice is harmless (fences only rise; the registry writes are guarded).
     */
    private void driveChanges() {
        if (metadata == null) return;
        List<Keyspace> changing = registry.changing();
        if (changing.isEmpty()) {
            changeProposedNs.clear();
            return;
        }
        for (Keyspace keyspace : changing) {
            long revision = keyspace.stateRevision();
            KvReplica fenced = keyspace.state() == Keyspace.State.CREATING ? defaultReplica : replicas.get(keyspace.groupId());
            if (fenced == null) continue; // not hosted here: the nodes that host it drive it
            if (fenced.isLeader() && fenced.fenceRevision() < revision) {
                proposeOnce("fence " + keyspace.groupId() + "@" + revision, () -> fenced.proposeFence(revision));
                touched.add(keyspace.state() == Keyspace.State.CREATING ? KvReplica.DEFAULT_GROUP_ID : keyspace.groupId());
            }
            if (metadata.isLeader() && fenced.fenceRevision() >= revision) {
                KvCommand.Txn next = keyspace.state() == Keyspace.State.CREATING ? KeyspaceRegistry.activateCommand(keyspace)
                        : KeyspaceRegistry.finishDropCommand(keyspace);
                proposeOnce(keyspace.state().label() + " " + keyspace.name() + "@" + revision,
                        () -> metadata.write(KvReplica.Write.own(next, parley.kv.KvCodec.encodeCommand(next), IGNORED)));
                touched.add(KeyspaceRegistry.METADATA_GROUP_ID);
            }
        }
    }

    private void proposeOnce(String step, Runnable propose) {
        Long proposedNs = changeProposedNs.get(step);
        if (proposedNs != null && node.nowNs() - proposedNs < settings.replica().raft().electionTimeoutNsMax()) return;
        changeProposedNs.put(step, node.nowNs());
        propose.run();
    }

    /** The change driver's registry writes answer nobody: their effect is read back from the registry. */
    private static final parley.replica.Reply<KvResult> IGNORED = new parley.replica.Reply<>() {
        @Override public void ok(KvResult value) { }

        @Override public void failed(ReplicaError error) { }
    };

    private void retryOpens() {
        for (Map.Entry<Long, ClusterConfig> pending : List.copyOf(openPending.entrySet())) {
            long groupId = pending.getKey();
            if (host.destroyed(groupId)) {
                openPending.remove(groupId);
                continue;
            }
            if (tryOpen(groupId, pending.getValue()) != null) openPending.remove(groupId);
        }
    }

    /**
     * Members leave the cluster through the default group (etcd's MemberRemove). Every other group this
     * node leads then drops them too, so a removed node stops counting towards any group's quorum. A
     * change is proposed only when the group has none in flight; the rule runs after every event, so a
     * refused or lost proposal is simply made again.
     */
    private void followDefaultMembership() {
        if (replicas.size() < 2 || defaultReplica == null) return; // (null while the default group is being reopened)
        ClusterConfig defaultConfig = defaultReplica.status().config();
        if (defaultConfig.isJoint()) return;
        // Every group when the default's configuration changed (or groups came and went); else only
        // those an event touched other than the default (most events touch the default group alone).
        boolean everyGroup = allTouched || !defaultConfig.equals(defaultConfigSeen);
        defaultConfigSeen = defaultConfig;
        if (!everyGroup && (touched.isEmpty() || (touched.size() == 1 && touched.contains(KvReplica.DEFAULT_GROUP_ID)))) return;
        Set<Long> members = defaultConfig.members();
        for (KvReplica replica : everyGroup ? List.copyOf(replicas.values()) : touchedReplicas()) {
            if (replica == defaultReplica || !replica.isLeader()) continue;
            ClusterConfig config = replica.status().config();
            if (config.isJoint() || members.containsAll(config.members())) continue;
            Set<Long> voters = new TreeSet<>(config.voters());
            voters.retainAll(members);
            Set<Long> learners = new TreeSet<>(config.learners());
            learners.retainAll(members);
            if (voters.isEmpty()) continue; // never propose a group without voters; its replicas stay until an operator acts
            replica.proposeConfigChange(ClusterConfig.of(voters, learners));
        }
    }

    private KeyspaceRegistry readRegistry() {
        List<parley.kv.KeyValue> entries = new ArrayList<>();
        long[] revision = {0};
        metadata.read(KvCommand.Range.of(KeyRange.all()), true, new parley.replica.Reply<>() {
            @Override public void ok(KvResult result) {
                KvResult.RangeResult range = (KvResult.RangeResult) result;
                entries.addAll(range.kvs());
                revision[0] = range.revision();
            }

            @Override public void failed(ReplicaError error) {
                Check.that(false, "a local read of the registry failed: %s", error);
            }
        });
        return KeyspaceRegistry.decode(revision[0], entries, registry.defaultKeyspace());
    }

    private void reconcile(KeyspaceRegistry next) {
        registry = next;
        allTouched = true;
        for (long dropped : next.droppedGroups()) {
            if (host.hosts(dropped)) {
                replicas.remove(dropped);
                host.destroy(dropped); // records the tombstone before the storage goes
                storage.delete(dropped);
                listener.onGroupDestroyed(dropped);
            } else if (!host.destroyed(dropped)) {
                host.bury(dropped);
                storage.delete(dropped); // it may have storage from before a restart
            }
        }
        for (Keyspace keyspace : next.keyspaces()) {
            long groupId = keyspace.groupId();
            if (!keyspace.replicas().contains(node.nodeId()) || host.hosts(groupId) || host.destroyed(groupId)) continue;
            ClusterConfig founders = ClusterConfig.of(keyspace.replicas(), java.util.Set.of());
            if (tryOpen(groupId, founders) == null) openPending.put(groupId, founders);
        }
        openPending.keySet().removeIf(next.droppedGroups()::contains);
        listener.onRegistryChanged(next);
    }

    /** Opens a keyspace's group, or returns null (and tries again later) when its storage cannot be opened now. */
    private KvReplica tryOpen(long groupId, ClusterConfig founders) {
        openRetryAtNs = node.nowNs() + OPEN_RETRY_NS;
        try {
            return openGroup(groupId, founders);
        } catch (java.io.UncheckedIOException e) {
            listener.onGroupOpenFailed(groupId, e.getMessage());
            return null;
        }
    }

    private KvReplica openGroup(long groupId, ClusterConfig founders) {
        RaftStorage groupStorage = storage.open(groupId); // first: a failure leaves the host untouched
        return startGroup(groupId, groupStorage, founders);
    }

    private KvReplica startGroup(long groupId, RaftStorage groupStorage, ClusterConfig founders) {
        parley.engine.KvEngine engine = storage.openEngine(groupId); // before the host: a failure leaves it untouched
        Env<RaftMessage> env = envWrapper.wrap(groupId, host.open(groupId));
        KvReplica replica = new KvReplica(env, groupStorage, engine, cacheBudget, settings.replica(), founders, settings.raftNodes(),
                settings.leaseClocks(), observers.apply(groupId));
        host.attach(groupId, replica);
        replicas.put(groupId, replica);
        replica.start(mayFound(groupId));
        if (diskFailure != null) replica.diskFailed(diskFailure);
        listener.onGroupStarted(groupId, replica);
        return replica;
    }

    /**
     * Whether group {@code groupId} may be founded on empty storage here. The default and metadata
     * groups: only on a new cluster's first start. A keyspace's group: unless this node once lost its
     * data (its empty storage may then be a wiped replica, not a new one; the other founders form the
     * group, and this replica joins it).
     */
    private boolean mayFound(long groupId) {
        if (settings.lostState()) return false;
        if (groupId == KvReplica.DEFAULT_GROUP_ID || groupId == KeyspaceRegistry.METADATA_GROUP_ID) return settings.bootstrap();
        return true;
    }

    private List<KvReplica> touchedReplicas() {
        List<KvReplica> out = new ArrayList<>(touched.size());
        for (long groupId : touched) {
            KvReplica replica = replicas.get(groupId);
            if (replica != null) out.add(replica);
        }
        return out;
    }

    /** Which groups' replicas changed since the last call: {@code all}, or those in {@code groups}. */
    public record Touched(boolean all, Set<Long> groups) {}

    /**
     * Marks group {@code groupId} touched: the runtime called its replica directly (a client request).
     * Call {@link #afterEvent} after.
     */
    public void touch(long groupId) {
        touched.add(groupId);
    }

    /**
     * The groups whose replicas events touched since the last call, so a runtime that publishes what
     * replicas believe (for other threads) redoes only those: with a thousand idle groups, an event
     * costs what its own group costs.
     */
    public Touched drainTouched() {
        Touched result = new Touched(allTouched, allTouched || touched.isEmpty() ? Set.of()
                : touched.size() == 1 ? Set.of(touched.iterator().next()) : Set.copyOf(touched));
        touched.clear();
        allTouched = false;
        return result;
    }

    // ---- what the runtime asks ----

    /** Group {@code groupId}'s replica here, or null. */
    public KvReplica replica(long groupId) {
        return replicas.get(groupId);
    }

    /** The default group's replica. */
    public KvReplica defaultReplica() {
        return defaultReplica;
    }

    /** The metadata group's replica, or null when keyspaces are off. */
    public KvReplica metadata() {
        return metadata;
    }

    /** Every replica here by group. */
    public Map<Long, KvReplica> replicas() {
        return Collections.unmodifiableMap(replicas);
    }

    /** The registry as of the last event. */
    public KeyspaceRegistry registry() {
        return registry;
    }

    public ReplicaHost<RaftMessage> host() {
        return host;
    }

    /** The groups this node hosts. */
    public SortedSet<Long> groups() {
        return new TreeSet<>(replicas.keySet());
    }
}
