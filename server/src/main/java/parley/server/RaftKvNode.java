package parley.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import parley.etcdapi.EtcdBackendException;
import java.util.Map;
import parley.host.ReplicaHost;
import parley.keyspace.KeyspaceRegistry;
import parley.keyspace.NodeReplicas;
import parley.kv.KvCodec;
import parley.kv.KvCommand;
import parley.kv.KvResult;
import parley.kv.WatchRequest;
import parley.raft.ClusterConfig;
import parley.raft.RaftMessage;
import parley.raft.RaftStatus;
import parley.replica.KvReplica;
import parley.replica.WatchConsumer;
import parley.replica.RaftNodeFactory;
import parley.replica.Reply;
import parley.replica.ReplicaError;
import parley.replica.ReplicaObserver;
import parley.replica.ReplicaSettings;

/**
 * The real world's adapter around the same {@link KvReplica} the simulator runs, hosted on a
 * {@link ReplicaHost} and driven on one {@link EventLoop}. Callers on any thread get futures; every
 * touch of the replica happens on the loop. Nothing here decides anything the simulator would not
 * see: it queues, hops threads, turns {@link Reply replies} into futures and {@link ReplicaError}s
 * into exceptions, and publishes what the replica believes for other threads to read.
 */
public final class RaftKvNode implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RaftKvNode.class.getName());
    /** Replicas one server process may host. */
    private static final int REPLICAS_MAX = 10_000;
    /** Bounds one loop turn, so a flood of writes cannot starve messages and timers. */
    private static final int PROPOSALS_PER_TURN_MAX = 512;

    private final EventLoop loop;
    private final long nodeId;
    private final NodeReplicas replicas;
    /** Writes waiting for their group's next proposal task, per group. */
    private final java.util.concurrent.ConcurrentHashMap<Long, ProposalQueue> unproposed = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile NodeMetrics metrics;
    private volatile LongConsumer onMemberRemoved = id -> { };
    /** What each group believes, as of the node's last event that touched it (read from any thread). */
    private final java.util.concurrent.ConcurrentHashMap<Long, GroupView> views = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile KeyspaceRegistry registry;
    /** What {@link NodeReplicas#diskFailure} says, for other threads (the client API, /health). */
    private volatile String diskFailure;
    /** Reports of a disk that stays full: once, then once a minute. */
    private long diskStillFullLoggedNs;
    private static final long DISK_STILL_FULL_LOG_INTERVAL_NS = 60_000_000_000L;

    /** One group's published beliefs: its Raft status, store revision and stored bytes. */
    /** @param catchingUp the replica started without its state and votes only once caught up ({@link parley.raft.RaftNode#join}) */
    public record GroupView(long groupId, RaftStatus status, long revision, long storedBytes, boolean quiesced, boolean catchingUp,
                            KvReplica.WatchStats watches) {}

    /** A group's writes waiting for a proposal task, and whether one is scheduled. */
    private static final class ProposalQueue {
        final ConcurrentLinkedQueue<KvReplica.Write> writes = new ConcurrentLinkedQueue<>();
        final AtomicBoolean scheduled = new AtomicBoolean();
    }

    /** The leader is elsewhere (or unknown: 0); nothing was done. */
    public static final class NotLeaderException extends RuntimeException {
        private final long leaderId;

        public NotLeaderException(long leaderId) {
            super(new ReplicaError.NotLeader(leaderId).message());
            this.leaderId = leaderId;
        }

        public long leaderId() {
            return leaderId;
        }
    }

    /** The request may or may not have taken effect (leadership changed before it applied). */
    public static final class OutcomeUnknownException extends RuntimeException {
        public OutcomeUnknownException() {
            super(new ReplicaError.OutcomeUnknown().message());
        }
    }

    /** This node hosts no replica of the group (its keyspace is new here, or was dropped). */
    public static final class GroupNotHostedException extends RuntimeException {
        public GroupNotHostedException(ReplicaError.GroupNotHosted error) {
            super(error.message());
        }
    }

    /** The member is not in the cluster configuration. */
    public static final class MemberNotFoundException extends RuntimeException {
        public MemberNotFoundException(long memberId) {
            super(new ReplicaError.MemberNotFound(memberId).message());
        }
    }

    /**
     * @param storage   storage for each group (the default group's in the data directory itself)
     * @param transport sends a Raft message of a group to a peer; must not block
     * @param founders  the founding voters: storage that is empty gets bootstrapped with them
     */
    public RaftKvNode(long nodeId, ReplicaSettings settings, NodeReplicas.GroupStorage storage, EventLoop loop,
                      ReplicaHost.Outbox<RaftMessage> transport, ClusterConfig founders) {
        this(nodeId, settings, storage, ReplicaHost.TombstoneLog.inMemory(), loop, transport, NodeReplicas.Pinger.NONE, founders,
                System::nanoTime, RaftNodeFactory.STANDARD, false);
    }

    /**
     * @param tombstones where destroyed groups are remembered across restarts
     * @param pinger     sends this node's liveness pings (they wake quiesced groups whose leader fell silent)
     * @param clockNs    the node's monotonic clock (a fault-injecting one in fault tests)
     * @param raftNodes  makes the Raft core (a planted-bug variant in tests)
     * @param keyspaces  whether this node runs the metadata group and the keyspaces it names
     */
    public RaftKvNode(long nodeId, ReplicaSettings settings, NodeReplicas.GroupStorage storage, ReplicaHost.TombstoneLog tombstones,
                      EventLoop loop, ReplicaHost.Outbox<RaftMessage> transport, NodeReplicas.Pinger pinger, ClusterConfig founders,
                      LongSupplier clockNs, RaftNodeFactory raftNodes, boolean keyspaces) {
        this(nodeId, settings, storage, tombstones, loop, transport, pinger, founders, clockNs, raftNodes, keyspaces, true, false);
    }

    /**
     * @param bootstrap whether empty storage founds the cluster ({@code initial-cluster-state = new}) or joins it
     * @param lostState whether this node once started without its data (see {@link NodeReplicas.Settings#lostState})
     */
    public RaftKvNode(long nodeId, ReplicaSettings settings, NodeReplicas.GroupStorage storage, ReplicaHost.TombstoneLog tombstones,
                      EventLoop loop, ReplicaHost.Outbox<RaftMessage> transport, NodeReplicas.Pinger pinger, ClusterConfig founders,
                      LongSupplier clockNs, RaftNodeFactory raftNodes, boolean keyspaces, boolean bootstrap, boolean lostState) {
        this.loop = loop;
        this.nodeId = nodeId;
        // The host owns the node's timers; it never sends through the node Env (replicas send through their group's).
        RealEnv<Void> nodeEnv = new RealEnv<>(nodeId, loop, (to, nothing) -> {
            throw new IllegalStateException("the node Env does not send");
        }, this::onTimer, clockNs);
        this.replicas = new NodeReplicas(nodeEnv, transport, pinger, tombstones, REPLICAS_MAX, storage, NodeReplicas.EnvWrapper.NONE,
                new NodeReplicas.Settings(settings, founders, raftNodes, parley.replica.LeaseClockFactory.STANDARD, keyspaces, bootstrap, lostState),
                groupId -> new Observer(groupId), new NodeReplicas.Listener() {
                    @Override public void onGroupOpenFailed(long groupId, String detail) {
                        LOG.log(System.Logger.Level.ERROR, "n" + nodeId + ": cannot open the storage of group " + groupId
                                + " (tried again in a second): " + detail);
                    }

                    @Override public void onDiskStillFull(String problem) {
                        long nowNs = System.nanoTime();
                        if (diskStillFullLoggedNs != 0 && nowNs - diskStillFullLoggedNs < DISK_STILL_FULL_LOG_INTERVAL_NS) return;
                        diskStillFullLoggedNs = nowNs;
                        LOG.log(System.Logger.Level.WARNING, "n" + nodeId + ": the disk is still full, writes stay refused"
                                + " (looked again every second; said again in a minute): " + problem);
                    }

                    @Override public void onDiskHealed(java.util.Set<Long> reopened) {
                        diskStillFullLoggedNs = 0;
                        diskFailure = null;
                        LOG.log(System.Logger.Level.INFO, "n" + nodeId + ": the disk has room again; "
                                + (reopened.isEmpty() ? "" : "reopened the write-ahead log of group(s) " + reopened + " from disk; ")
                                + "accepting writes again");
                    }
                });
        this.registry = replicas.registry();
    }

    /**
     * Recovers from storage (bootstrapping founders on empty storage) and starts the timers. Call once,
     * after wiring storage sync completions to {@link #synced}.
     */
    public void start() {
        call(done -> {
            replicas.start();
            publish(); // before the caller wakes: status() is never null after start
            done.ok(null);
        }).join();
    }

    // ---- events from the runtime, on any thread ----

    /** A Raft message for group {@code groupId} from peer {@code from}. */
    public void deliver(long from, long groupId, RaftMessage message) {
        loop.execute(() -> {
            replicas.onMessage(from, groupId, message);
            publish();
        });
    }

    /** Peer {@code from}'s liveness ping (see {@link NodeReplicas}). */
    public void pinged(long from, long bootId) {
        loop.execute(() -> {
            replicas.onPing(from, bootId);
            publish();
        });
    }

    /** Group {@code groupId}'s storage reports that sync {@code syncId} completed. */
    public void synced(long groupId, long syncId) {
        loop.execute(() -> syncedOnLoop(groupId, syncId));
    }

    /**
     * Storage reports that sync {@code syncId} completed, already on this node's loop (the WAL hands
     * completions to the loop as tasks of their own): handled without a second trip through the queue.
     * Never call it from inside a core's event (storage must not complete a sync within {@code sync}).
     */
    public void syncedOnLoop(long groupId, long syncId) {
        if (!loop.inLoop()) throw new IllegalStateException("syncedOnLoop called off the node's loop");
        replicas.onSyncComplete(groupId, syncId);
        publish();
    }

    private void onTimer(int nodeTimerId) {
        replicas.onTimer(nodeTimerId);
        publish();
    }

    /**
     * A write-ahead log failed: this node can no longer make anything durable. It refuses writes and,
     * where it leads, hands leadership away (see {@link KvReplica#diskFailed}). After a full disk
     * ({@code noSpace}) it heals by itself once there is room again ({@link NodeReplicas#diskFailed});
     * after a failed fsync only a restart clears it.
     */
    public void stepDownForDiskFailure(String detail, boolean noSpace) {
        loop.execute(() -> {
            replicas.diskFailed(detail, noSpace);
            diskFailure = replicas.diskFailure();
            publish();
        });
    }

    /** Why this node refuses writes because of its disk (a full disk, a failed fsync), or null. */
    public String diskFailure() {
        return diskFailure;
    }

    /**
     * Removes {@code memberId} from the Raft configuration (joint consensus, on the leader); completes
     * with the new configuration once this node has applied the final, non-joint one.
     */
    public CompletableFuture<ClusterConfig> removeMember(long memberId) {
        return call(reply -> replicas.defaultReplica().removeMember(memberId, reply));
    }

    /**
     * Asks group {@code groupId}'s leader on this node to hand leadership to {@code target}; completes
     * once the handover started (the new leader takes over within an election timeout), or fails
     * with not-leader when this node does not lead the group.
     */
    public CompletableFuture<Void> transferLeadership(long groupId, long target) {
        return callOn(groupId, (replica, reply) -> {
            switch (replica.transferLeadership(target)) {
                case parley.raft.ProposeResult.Accepted accepted -> reply.ok(null);
                case parley.raft.ProposeResult.NotLeader notLeader -> reply.failed(new ReplicaError.NotLeader(notLeader.leaderHint()));
                case parley.raft.ProposeResult.Rejected rejected -> reply.failed(new ReplicaError.Busy(rejected.reason()));
            }
        });
    }

    /** Called on the loop with each member id that an applied configuration change removed. */
    public void onMemberRemoved(LongConsumer listener) {
        this.onMemberRemoved = listener;
    }

    // ---- client API, on any thread ----

    /** Proposes a write to the default group through consensus; completes with its result once applied here. */
    public CompletableFuture<KvResult> write(KvCommand command) {
        return write(KvReplica.DEFAULT_GROUP_ID, command, 0);
    }

    /**
     * Proposes a write to group {@code groupId}, routed by keyspace registry revision {@code routedAt}
     * (0: not routed); completes with its result once applied here.
     */
    public CompletableFuture<KvResult> write(long groupId, KvCommand command, long routedAt) {
        FutureReply<KvResult> reply = new FutureReply<>();
        ProposalQueue queue = unproposed.computeIfAbsent(groupId, id -> new ProposalQueue());
        queue.writes.add(KvReplica.Write.own(command, KvCodec.encodeCommand(command), reply).routedAt(routedAt));
        // One loop task proposes everything queued meanwhile, so concurrent clients share appends and syncs.
        if (queue.scheduled.compareAndSet(false, true)) loop.execute(() -> proposeQueued(groupId, queue));
        return reply.future;
    }

    private void proposeQueued(long groupId, ProposalQueue queue) {
        queue.scheduled.set(false);
        List<KvReplica.Write> batch = new ArrayList<>();
        for (KvReplica.Write w; batch.size() < PROPOSALS_PER_TURN_MAX && (w = queue.writes.poll()) != null; ) batch.add(w);
        if (!queue.writes.isEmpty() && queue.scheduled.compareAndSet(false, true)) loop.execute(() -> proposeQueued(groupId, queue));
        if (batch.isEmpty()) return;
        KvReplica replica = replicas.replica(groupId);
        if (replica == null) {
            for (KvReplica.Write w : batch) w.reply().failed(new ReplicaError.GroupNotHosted(nodeId, groupId));
            // A group not hosted (dropped, or never here) keeps no queue: one queue per group ever named would grow without bound.
            if (queue.writes.isEmpty()) unproposed.remove(groupId, queue);
            return;
        }
        replica.write(batch);
        replicas.touch(groupId);
        replicas.afterEvent();
        publish();
    }

    /** A read of the default group: linearizable (ReadIndex) unless {@code serializable}, which answers from local state. */
    public CompletableFuture<KvResult> read(KvCommand command, boolean serializable) {
        return read(KvReplica.DEFAULT_GROUP_ID, command, serializable, 0);
    }

    /** A read of group {@code groupId}, routed by keyspace registry revision {@code routedAt} (0: not routed). */
    public CompletableFuture<KvResult> read(long groupId, KvCommand command, boolean serializable, long routedAt) {
        return callOn(groupId, (replica, reply) -> replica.read(command, serializable, routedAt, reply));
    }

    /**
     * Starts a watch on the default group's local state; responses go to {@code sink} on the loop
     * thread. A sink that answers false is sent nothing more until {@link #resumeWatch}.
     */
    public CompletableFuture<Long> watch(WatchRequest request, WatchConsumer sink) {
        return watch(KvReplica.DEFAULT_GROUP_ID, request, sink);
    }

    /** Starts a watch on group {@code groupId}'s local state. */
    public CompletableFuture<Long> watch(long groupId, WatchRequest request, WatchConsumer sink) {
        return callOn(groupId, (replica, reply) -> reply.ok(replica.watch(request, sink)));
    }

    /** The sink of watch {@code watchId} of group {@code groupId} can take more again (see {@link WatchConsumer}). */
    public void resumeWatch(long groupId, long watchId) {
        onGroup(groupId, replica -> replica.resumeWatch(watchId));
    }

    /**
     * Completes with revision R once every event of watch {@code watchId} up to R has gone to its
     * sink (etcd's progress notice promises exactly that); with the current revision if the watch ended.
     */
    public CompletableFuture<Long> watchProgress(long groupId, long watchId) {
        return callOn(groupId, (replica, reply) -> replica.watchProgress(watchId, reply));
    }

    /** Ends a watch of group {@code groupId} (nothing to do if the group is gone). */
    public void cancelWatch(long groupId, long watchId) {
        onGroup(groupId, replica -> replica.cancelWatch(watchId));
    }

    /**
     * Runs {@code action} on group {@code groupId}'s replica on the loop, without an answer (nothing
     * to do if the group is gone), then publishes the group, whose watch counts may have changed.
     */
    private void onGroup(long groupId, Consumer<KvReplica> action) {
        loop.execute(() -> {
            KvReplica replica = replicas.replica(groupId);
            if (replica != null) {
                action.accept(replica);
                replicas.touch(groupId);
            }
            publish();
        });
    }

    /**
     * Whole seconds lease {@code leaseId} has left by this leader's clock; -1 when unknown here.
     * Fails with {@link NotLeaderException} on a follower, whose clock holds no deadlines.
     */
    public CompletableFuture<Long> leaseRemainingTtlSeconds(long leaseId) {
        return callOn(KvReplica.DEFAULT_GROUP_ID, (replica, reply) -> replica.leaseRemainingTtlSeconds(leaseId, reply));
    }

    /** Where to count proposals and leader changes; set before {@link #start()}. */
    public void metrics(NodeMetrics nodeMetrics) {
        this.metrics = nodeMetrics;
    }

    /** Key and value bytes the default group's store holds, live and history, as of the last event (safe from any thread). */
    public long storedBytes() {
        return storedBytes(KvReplica.DEFAULT_GROUP_ID);
    }

    /** Key and value bytes group {@code groupId}'s store holds (0 if not hosted here). */
    public long storedBytes(long groupId) {
        GroupView view = views.get(groupId);
        return view == null ? 0 : view.storedBytes();
    }

    /** What each hosted group believes, by group id, as of the last event (safe from any thread; a live view). */
    public Map<Long, GroupView> groups() {
        return java.util.Collections.unmodifiableMap(views);
    }

    /** The keyspace registry as of the last event (safe from any thread). */
    public KeyspaceRegistry registry() {
        return registry;
    }

    public long nodeId() {
        return nodeId;
    }

    /** What this node's default group believes, as of its last event (safe from any thread). */
    public RaftStatus status() {
        return views.get(KvReplica.DEFAULT_GROUP_ID).status();
    }

    /** What group {@code groupId} believes here, or null if this node does not host it. */
    public RaftStatus status(long groupId) {
        GroupView view = views.get(groupId);
        return view == null ? null : view.status();
    }

    /** The default group's store revision as of the last event (safe from any thread). */
    public long revision() {
        return views.get(KvReplica.DEFAULT_GROUP_ID).revision();
    }

    /** Group {@code groupId}'s store revision (0 if not hosted here). */
    public long revision(long groupId) {
        GroupView view = views.get(groupId);
        return view == null ? 0 : view.revision();
    }

    /**
     * The replicated state's hash with the applied index and revision it belongs to, taken in one loop
     * task so that replicas at the same applied index can be compared. Serializes the whole store:
     * for checkers, not for a hot path.
     */
    /** etcd's HashKV on the default group (see {@link KvReplica#hashKv}); fails with etcd's error for a bad revision. */
    public CompletableFuture<KvReplica.HashKv> hashKv(long revision) {
        return callOn(KvReplica.DEFAULT_GROUP_ID, (replica, reply) -> reply.ok(replica.hashKv(revision)));
    }

    /** etcd's Defragment: every group hosted here snapshots and compacts its log now; completes with how many did. */
    public CompletableFuture<Integer> defragment() {
        return call(reply -> {
            int compacted = 0;
            for (KvReplica replica : replicas.replicas().values()) if (replica.defragment()) compacted++;
            reply.ok(compacted);
        });
    }

    public CompletableFuture<KvReplica.StateHash> stateHash() {
        return callOn(KvReplica.DEFAULT_GROUP_ID, (replica, reply) -> reply.ok(replica.stateHash()));
    }

    /** The replicas' settings, as the server configured them. */
    public ReplicaSettings settings() {
        return replicas.defaultReplica().settings();
    }

    @Override
    public void close() {
        loop.close();
    }

    // ---- the seam between threads ----

    /** Runs {@code request} on the loop as one event and returns the future its reply completes. */
    private <T> CompletableFuture<T> call(Consumer<Reply<T>> request) {
        FutureReply<T> reply = new FutureReply<>();
        loop.execute(() -> {
            try {
                request.accept(reply);
            } catch (RuntimeException e) {
                reply.future.completeExceptionally(e);
                throw e;
            }
            publish();
        });
        return reply.future;
    }

    /** Runs {@code request} on group {@code groupId}'s replica, or fails it if this node does not host that group. */
    private <T> CompletableFuture<T> callOn(long groupId, java.util.function.BiConsumer<KvReplica, Reply<T>> request) {
        return call(reply -> {
            KvReplica replica = replicas.replica(groupId);
            if (replica == null) {
                reply.failed(new ReplicaError.GroupNotHosted(nodeId, groupId));
                return;
            }
            request.accept(replica, reply);
            replicas.touch(groupId);
            replicas.afterEvent();
        });
    }

    /**
     * Publishes what the replicas believe, for other threads (the API, metrics, /status): only the
     * groups the event touched, so that an event costs the same with one group or a thousand.
     */
    private void publish() {
        NodeReplicas.Touched touched = replicas.drainTouched();
        if (touched.all()) {
            Map<Long, KvReplica> all = replicas.replicas();
            views.keySet().removeIf(groupId -> !all.containsKey(groupId));
            all.forEach((groupId, replica) -> views.put(groupId, view(groupId, replica)));
        } else {
            for (long groupId : touched.groups()) {
                KvReplica replica = replicas.replica(groupId);
                if (replica == null) views.remove(groupId);
                else views.put(groupId, view(groupId, replica));
            }
        }
        registry = replicas.registry();
        reportCatchingUp();
    }

    /** When this node's default group started catching up (0: it is not), and when that was last said. */
    private long catchingUpSinceNs;
    private long catchingUpReportedNs;
    private static final long CATCHING_UP_SILENCE_NS = 10_000_000_000L;
    private static final long CATCHING_UP_REPORT_INTERVAL_NS = 60_000_000_000L;

    /**
     * A node that joins with an empty data directory says so, and says again (once a minute) while no
     * leader brings it up to date: a new cluster started without initial-cluster-state = new waits
     * forever otherwise, silently.
     */
    private void reportCatchingUp() {
        KvReplica replica = replicas.defaultReplica();
        boolean catchingUp = replica != null && replica.isCatchingUp();
        if (!catchingUp) { // the common case, after every event: no clock read
            if (catchingUpSinceNs != 0) {
                catchingUpSinceNs = 0;
                LOG.log(System.Logger.Level.INFO, "n" + nodeId + ": caught up with the cluster (commit index "
                        + replica.status().commitIndex() + "); it votes again");
            }
            return;
        }
        long nowNs = System.nanoTime();
        if (catchingUpSinceNs == 0) {
            catchingUpSinceNs = nowNs;
            LOG.log(System.Logger.Level.INFO, "n" + nodeId + ": the data directory was empty, so this node joins the cluster"
                    + " (initial-cluster-state = existing): it takes the log from the leader and votes once it has caught up");
            return;
        }
        boolean silent = replica.status().leaderId() == 0 && nowNs - catchingUpSinceNs >= CATCHING_UP_SILENCE_NS;
        if (silent && (catchingUpReportedNs == 0 || nowNs - catchingUpReportedNs >= CATCHING_UP_REPORT_INTERVAL_NS)) {
            catchingUpReportedNs = nowNs;
            LOG.log(System.Logger.Level.WARNING, "n" + nodeId + ": still waiting for a leader to bring this node up to date ("
                    + (nowNs - catchingUpSinceNs) / 1_000_000_000L + " s). If this is a new cluster, start each node once with"
                    + " initial-cluster-state = new; if members lost their data, a majority of members must still hold it");
        }
    }

    private static GroupView view(long groupId, KvReplica replica) {
        return new GroupView(groupId, replica.status(), replica.revision(), replica.storedBytes(), replica.isQuiesced(),
                replica.isCatchingUp(), replica.watchStats());
    }

    /** A reply that completes a future; runs on the loop. */
    private static final class FutureReply<T> implements Reply<T> {
        final CompletableFuture<T> future = new CompletableFuture<>();

        @Override public void ok(T value) { future.complete(value); }

        @Override public void failed(ReplicaError error) { future.completeExceptionally(exception(error)); }
    }

    /** The exception the API layer turns into etcd's error for {@code error}. */
    static RuntimeException exception(ReplicaError error) {
        return switch (error) {
            case ReplicaError.NotLeader notLeader -> new NotLeaderException(notLeader.leaderHint());
            case ReplicaError.OutcomeUnknown unknown -> new OutcomeUnknownException();
            case ReplicaError.MemberNotFound notFound -> new MemberNotFoundException(notFound.memberId());
            case ReplicaError.NoSpace noSpace -> new EtcdBackendException(EtcdBackendException.Reason.NO_SPACE, noSpace.detail());
            case ReplicaError.Busy busy -> new IllegalStateException(busy.message());
            case ReplicaError.GroupNotHosted notHosted -> new GroupNotHostedException(notHosted);
        };
    }

    /** Counts proposals and leader changes, and tells membership about removed members (the default group's). */
    private final class Observer implements ReplicaObserver {
        private final long groupId;

        Observer(long groupId) {
            this.groupId = groupId;
        }

        @Override
        public void onProposed(int count) {
            NodeMetrics m = metrics;
            if (m != null) for (int i = 0; i < count; i++) m.proposed();
        }

        @Override
        public void onLeaderChanged(long leaderId) {
            NodeMetrics m = metrics;
            if (m != null) m.leaderChanged();
        }

        @Override
        public void onMemberRemoved(long memberId) {
            if (groupId == KvReplica.DEFAULT_GROUP_ID) onMemberRemoved.accept(memberId);
        }
    }
}
