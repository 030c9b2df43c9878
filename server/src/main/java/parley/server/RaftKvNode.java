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
import parley.host.ReplicaHost;
import parley.kv.KvCodec;
import parley.kv.KvCommand;
import parley.kv.KvResult;
import parley.kv.WatchRequest;
import parley.kv.WatchResponse;
import parley.raft.ClusterConfig;
import parley.raft.RaftMessage;
import parley.raft.RaftStatus;
import parley.raft.RaftStorage;
import parley.replica.KvReplica;
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
    /** Replicas one server process may host. */
    private static final int REPLICAS_MAX = 10_000;
    /** Bounds one loop turn, so a flood of writes cannot starve messages and timers. */
    private static final int PROPOSALS_PER_TURN_MAX = 512;

    private final EventLoop loop;
    private final long nodeId;
    private final ReplicaHost<RaftMessage> host;
    private final KvReplica replica;
    private final ConcurrentLinkedQueue<KvReplica.Write> unproposed = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean proposeScheduled = new AtomicBoolean();
    private volatile NodeMetrics metrics;
    private volatile LongConsumer onMemberRemoved = id -> { };
    private volatile RaftStatus status;
    private volatile long revision;
    private volatile long storedBytes;

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

    /** The member is not in the cluster configuration. */
    public static final class MemberNotFoundException extends RuntimeException {
        public MemberNotFoundException(long memberId) {
            super(new ReplicaError.MemberNotFound(memberId).message());
        }
    }

    /**
     * @param transport sends a Raft message of a group to a peer; must not block
     * @param founders  the founding voters: storage that is empty gets bootstrapped with them
     */
    public RaftKvNode(long nodeId, ReplicaSettings settings, RaftStorage storage, EventLoop loop, ReplicaHost.Outbox<RaftMessage> transport,
                      ClusterConfig founders) {
        this(nodeId, settings, storage, loop, transport, founders, System::nanoTime, RaftNodeFactory.STANDARD);
    }

    /**
     * @param clockNs   the node's monotonic clock (a fault-injecting one in fault tests)
     * @param raftNodes makes the Raft core (a planted-bug variant in tests)
     */
    public RaftKvNode(long nodeId, ReplicaSettings settings, RaftStorage storage, EventLoop loop, ReplicaHost.Outbox<RaftMessage> transport,
                      ClusterConfig founders, LongSupplier clockNs, RaftNodeFactory raftNodes) {
        this.loop = loop;
        this.nodeId = nodeId;
        // The host owns the node's timers; it never sends through the node Env (replicas send through their group's).
        RealEnv<Void> nodeEnv = new RealEnv<>(nodeId, loop, (to, nothing) -> {
            throw new IllegalStateException("the node Env does not send");
        }, this::onTimer, clockNs);
        this.host = new ReplicaHost<>(nodeEnv, transport, ReplicaHost.TombstoneLog.inMemory(), REPLICAS_MAX);
        this.replica = new KvReplica(host.open(KvReplica.DEFAULT_GROUP_ID), storage, settings, founders, raftNodes, new Observer());
        host.attach(KvReplica.DEFAULT_GROUP_ID, replica);
    }

    /**
     * Recovers from storage (bootstrapping founders on empty storage) and starts the timers. Call once,
     * after wiring storage sync completions to {@link #synced}.
     */
    public void start() {
        call(done -> {
            replica.start();
            publish(); // before the caller wakes: status() is never null after start
            done.ok(null);
        }).join();
    }

    // ---- events from the runtime, on any thread ----

    /** A Raft message for group {@code groupId} from peer {@code from}. */
    public void deliver(long from, long groupId, RaftMessage message) {
        loop.execute(() -> {
            host.onMessage(from, groupId, message);
            publish();
        });
    }

    /** Storage reports that sync {@code syncId} completed. */
    public void synced(long syncId) {
        loop.execute(() -> syncedOnLoop(syncId));
    }

    /**
     * Storage reports that sync {@code syncId} completed, already on this node's loop (the WAL hands
     * completions to the loop as tasks of their own): handled without a second trip through the queue.
     * Never call it from inside a core's event (storage must not complete a sync within {@code sync}).
     */
    public void syncedOnLoop(long syncId) {
        if (!loop.inLoop()) throw new IllegalStateException("syncedOnLoop called off the node's loop");
        replica.onSyncComplete(syncId);
        publish();
    }

    private void onTimer(int nodeTimerId) {
        host.onTimer(nodeTimerId);
        publish();
    }

    /**
     * The write-ahead log failed (a full disk): this node can no longer make anything durable. It
     * refuses writes from now on and, if it leads, hands leadership away (see {@link KvReplica#diskFailed}).
     */
    public void stepDownForDiskFailure(String detail) {
        loop.execute(() -> {
            replica.diskFailed(detail);
            publish();
        });
    }

    /**
     * Removes {@code memberId} from the Raft configuration (joint consensus, on the leader); completes
     * with the new configuration once this node has applied the final, non-joint one.
     */
    public CompletableFuture<ClusterConfig> removeMember(long memberId) {
        return call(reply -> replica.removeMember(memberId, reply));
    }

    /** Called on the loop with each member id that an applied configuration change removed. */
    public void onMemberRemoved(LongConsumer listener) {
        this.onMemberRemoved = listener;
    }

    // ---- client API, on any thread ----

    /** Proposes a write through consensus; completes with its result once applied here. */
    public CompletableFuture<KvResult> write(KvCommand command) {
        FutureReply<KvResult> reply = new FutureReply<>();
        unproposed.add(KvReplica.Write.own(command, KvCodec.encodeCommand(command), reply));
        // One loop task proposes everything queued meanwhile, so concurrent clients share appends and syncs.
        if (proposeScheduled.compareAndSet(false, true)) loop.execute(this::proposeQueued);
        return reply.future;
    }

    private void proposeQueued() {
        proposeScheduled.set(false);
        List<KvReplica.Write> batch = new ArrayList<>();
        for (KvReplica.Write w; batch.size() < PROPOSALS_PER_TURN_MAX && (w = unproposed.poll()) != null; ) batch.add(w);
        if (!unproposed.isEmpty() && proposeScheduled.compareAndSet(false, true)) loop.execute(this::proposeQueued);
        if (batch.isEmpty()) return;
        replica.write(batch);
        publish();
    }

    /** A read: linearizable (ReadIndex) unless {@code serializable}, which answers from local state. */
    public CompletableFuture<KvResult> read(KvCommand command, boolean serializable) {
        return call(reply -> replica.read(command, serializable, reply));
    }

    /** Starts a watch on this replica's local state; responses go to {@code sink} on the loop thread. */
    public CompletableFuture<Long> watch(WatchRequest request, Consumer<WatchResponse> sink) {
        return call(reply -> reply.ok(replica.watch(request, sink)));
    }

    /**
     * Completes with revision R once every event of watch {@code watchId} up to R has gone to its
     * sink (etcd's progress notice promises exactly that); with the current revision if the watch ended.
     */
    public CompletableFuture<Long> watchProgress(long watchId) {
        return call(reply -> replica.watchProgress(watchId, reply));
    }

    /** Ends a watch. */
    public void cancelWatch(long watchId) {
        loop.execute(() -> {
            replica.cancelWatch(watchId);
            publish();
        });
    }

    /**
     * Whole seconds lease {@code leaseId} has left by this leader's clock; -1 when unknown here.
     * Fails with {@link NotLeaderException} on a follower, whose clock holds no deadlines.
     */
    public CompletableFuture<Long> leaseRemainingTtlSeconds(long leaseId) {
        return call(reply -> replica.leaseRemainingTtlSeconds(leaseId, reply));
    }

    /** Where to count proposals and leader changes; set before {@link #start()}. */
    public void metrics(NodeMetrics nodeMetrics) {
        this.metrics = nodeMetrics;
    }

    /** Key and value bytes the store holds, live and history, as of the last event (safe from any thread). */
    public long storedBytes() {
        return storedBytes;
    }

    public long nodeId() {
        return nodeId;
    }

    /** What this node believes, as of its last event (safe from any thread). */
    public RaftStatus status() {
        return status;
    }

    /** The store's revision as of the last event (safe from any thread). */
    public long revision() {
        return revision;
    }

    /**
     * The replicated state's hash with the applied index and revision it belongs to, taken in one loop
     * task so that replicas at the same applied index can be compared. Serializes the whole store:
     * for checkers, not for a hot path.
     */
    public CompletableFuture<KvReplica.StateHash> stateHash() {
        return call(reply -> reply.ok(replica.stateHash()));
    }

    /** The replica's settings, as the server configured them. */
    public ReplicaSettings settings() {
        return replica.settings();
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

    /** Publishes what the replica believes, for other threads (the API, metrics, /status). */
    private void publish() {
        status = replica.status();
        revision = replica.revision();
        storedBytes = replica.storedBytes();
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
        };
    }

    /** Counts proposals and leader changes, and tells membership about removed members. */
    private final class Observer implements ReplicaObserver {
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
            onMemberRemoved.accept(memberId);
        }
    }
}
