package parley.server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import parley.core.env.SplittableRandomSource;
import parley.kv.KvCodec;
import parley.kv.KvCommand;
import parley.kv.KvResult;
import parley.kv.KvStateMachine;
import parley.kv.LeaseClock;
import parley.kv.WatchRequest;
import parley.kv.WatchResponse;
import parley.raft.ClusterConfig;
import parley.raft.ProposeResult;
import parley.raft.RaftConfig;
import parley.raft.RaftListener;
import parley.raft.RaftMessage;
import parley.raft.RaftNode;
import parley.raft.RaftRole;
import parley.raft.RaftStatus;
import parley.raft.RaftStorage;
import parley.raft.ReadResult;
import parley.raft.StateMachine;

/**
 * One Raft KV replica in the real world: the same {@link RaftNode} and {@link KvStateMachine} the
 * simulator runs, driven on one {@link EventLoop}. Callers on any thread get futures; every touch of
 * the cores happens on the loop. This is the server's counterpart of the simulator's KvServer.
 *
 * <p>Writes are proposed under this boot's own client session (a random id, a sequence per
 * proposal) and answered when applied; reads wait for ReadIndex confirmation (linearizable) or are
 * served from local state (serializable). A node that is not the leader refuses with
 * {@link NotLeaderException} naming the leader it knows, so the API layer can redirect.
 */
public final class RaftKvNode implements RaftListener, AutoCloseable {
    /** Timer id for the leader's lease-expiry check; Raft uses small ids. */
    private static final int LEASE_TIMER = 100;
    private static final long LEASE_CHECK_NS = 500_000_000L;
    /** How often a leader under writes checks whether history needs compacting (besides the lease timer). */
    private static final long BYTE_COMPACTION_CHECK_NS = 100_000_000L;

    private final EventLoop loop;
    private final RealEnv<RaftMessage> env;
    private final KvStateMachine kv = new KvStateMachine();
    private final RaftNode raft;
    private final LeaseClock leaseClock;
    private final long sessionId;
    private final RaftStorage storage;
    private final ClusterConfig founders;
    private final long nodeId;
    private long sequenceNext = 1;
    private long readIdNext = 1;
    private final Map<Long, CompletableFuture<KvResult>> writesBySequence = new HashMap<>();
    private final Map<Long, PendingRead> readsById = new HashMap<>();
    private final Map<Long, Consumer<WatchResponse>> watchSinks = new HashMap<>();
    private volatile RaftStatus status;
    private volatile NodeMetrics metrics;
    private long lastKnownLeader = -1;
    private volatile long revision;
    private volatile long storedBytes;
    private volatile long historyRetentionRevisions;
    private volatile long historyRetentionBytes;
    private long byteCompactionCheckedNs;

    private record PendingRead(KvCommand command, CompletableFuture<KvResult> future) {}

    /** The leader is elsewhere (or unknown: 0); nothing was done. */
    public static final class NotLeaderException extends RuntimeException {
        private final long leaderId;

        public NotLeaderException(long leaderId) {
            super(leaderId == 0 ? "etcdserver: no leader" : "etcdserver: not leader (leader is " + Long.toHexString(leaderId) + ")");
            this.leaderId = leaderId;
        }

        public long leaderId() {
            return leaderId;
        }
    }

    /** The request may or may not have taken effect (leadership changed before it applied). */
    public static final class OutcomeUnknownException extends RuntimeException {
        public OutcomeUnknownException() {
            super("etcdserver: leader changed");
        }
    }

    /**
     * @param transport  sends a Raft message to a peer; must not block
     * @param founders   the founding voters: storage that is empty gets bootstrapped with them
     */
    public RaftKvNode(long nodeId, RaftConfig config, RaftStorage storage, EventLoop loop,
                      BiConsumer<Long, RaftMessage> transport, ClusterConfig founders) {
        this(nodeId, config, storage, loop, transport, founders, System::nanoTime, RaftNodeFactory.STANDARD);
    }

    /**
     * @param clockNs    the node's monotonic clock (a fault-injecting one in fault tests)
     * @param raftNodes  makes the Raft core (a planted-bug variant in tests)
     */
    public RaftKvNode(long nodeId, RaftConfig config, RaftStorage storage, EventLoop loop,
                      BiConsumer<Long, RaftMessage> transport, ClusterConfig founders,
                      java.util.function.LongSupplier clockNs, RaftNodeFactory raftNodes) {
        this.loop = loop;
        this.env = new RealEnv<>(nodeId, loop, transport, this::onTimer, clockNs);
        this.sessionId = new SplittableRandomSource(System.nanoTime() ^ nodeId).nextLong(1, Long.MAX_VALUE);
        this.leaseClock = new LeaseClock(kv.leases(), 2_000_000_000L);
        this.raft = raftNodes.create(config, env, storage, new KvAdapter(kv), this);
        this.storage = storage;
        this.founders = founders;
        this.nodeId = nodeId;
    }

    /**
     * Recovers from storage (bootstrapping founders on empty storage) and starts the timers. Call once,
     * after wiring storage sync completions to {@link #synced}.
     */
    public void start() {
        CompletableFuture<Void> started = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                if (storage.lastIndex() == 0 && storage.hardState().term() == 0 && founders.voters().contains(nodeId)) {
                    raft.bootstrap(founders);
                }
                raft.start();
                env.setTimer(LEASE_TIMER, LEASE_CHECK_NS);
                afterEvent();
                started.complete(null);
            } catch (RuntimeException e) {
                started.completeExceptionally(e);
            }
        });
        started.join();
    }

    // ---- events from the runtime, on any thread ----

    /** A Raft message from peer {@code from}. */
    public void deliver(long from, RaftMessage message) {
        loop.execute(() -> {
            raft.onMessage(from, message);
            afterEvent();
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
        if (!loop.inLoop()) {
            throw new IllegalStateException("syncedOnLoop called off the node's loop");
        }
        raft.onSyncComplete(syncId);
        afterEvent();
    }

    private void onTimer(int timerId) {
        if (timerId == LEASE_TIMER) {
            env.setTimer(LEASE_TIMER, LEASE_CHECK_NS);
            if (raft.isLeader()) {
                for (long leaseId : leaseClock.expired(env.nowNs(), 64)) {
                    raft.propose(sessionId, sequenceNext++, KvCodec.encodeCommand(new KvCommand.LeaseExpire(leaseId)));
                }
                proposeCompactionIfDue();
            }
        } else {
            raft.onTimer(timerId);
        }
        afterEvent();
    }

    /**
     * The leader keeps {@code historyRetentionRevisions} of history and proposes a compaction (through
     * the log, so every replica compacts at the same point) once a tenth more has piled up: the store
     * holds its history in memory and serializes it into every snapshot, so unbounded history would
     * grow both without end.
     */
    private void proposeCompactionIfDue() {
        long target = 0;
        if (historyRetentionRevisions > 0) {
            long byCount = kv.revision() - historyRetentionRevisions;
            if (byCount - kv.compactRevision() >= Math.max(1, historyRetentionRevisions / 10)) target = byCount;
        }
        // Large values fill memory long before the revision count is reached: past the byte bound, drop
        // the oldest changes until the history is back to half the bound (checked again until it is).
        // Versions live at the target survive that, so history twice over the bound (say, after a large
        // delete) is compacted to the current revision at once.
        long historyBytes = kv.store().storedBytes() - kv.store().liveBytes();
        if (historyRetentionBytes > 0 && historyBytes > 2 * historyRetentionBytes) {
            target = kv.revision();
        } else if (historyRetentionBytes > 0 && historyBytes > historyRetentionBytes) {
            target = Math.max(target, kv.store().revisionAfterOldest(historyBytes - historyRetentionBytes / 2));
        }
        if (target <= kv.compactRevision() || target > kv.revision()) return;
        raft.propose(sessionId, sequenceNext++, KvCodec.encodeCommand(new KvCommand.Compact(target)));
    }

    /**
     * The write-ahead log failed (a full disk): this node can no longer make anything durable, so if it
     * leads, it hands leadership to the follower furthest along and the others go on without it. It
     * keeps answering reads; its own writes are refused by the API layer (etcd's NOSPACE).
     */
    public void stepDownForDiskFailure() {
        loop.execute(() -> {
            if (!raft.isLeader()) return;
            long best = 0;
            long bestMatch = -1;
            for (var peer : raft.status().peers().entrySet()) {
                if (peer.getValue().matchIndex() > bestMatch) {
                    best = peer.getKey();
                    bestMatch = peer.getValue().matchIndex();
                }
            }
            if (best != 0) raft.transferLeadership(best);
            afterEvent();
        });
    }

    /** The member is not in the cluster configuration. */
    public static final class MemberNotFoundException extends RuntimeException {
        public MemberNotFoundException(long memberId) {
            super("etcdserver: member not found (" + Long.toHexString(memberId) + ")");
        }
    }

    private final ConfigChanges configChanges = new ConfigChanges();

    /**
     * Removes {@code memberId} from the Raft configuration (joint consensus, on the leader); completes
     * with the new configuration once this node has applied the final, non-joint one. The only way a
     * member leaves the cluster: SWIM's suspicions never get here by themselves.
     */
    public CompletableFuture<ClusterConfig> removeMember(long memberId) {
        CompletableFuture<ClusterConfig> future = new CompletableFuture<>();
        loop.execute(() -> {
            if (!raft.isLeader()) {
                future.completeExceptionally(new NotLeaderException(raft.leaderId()));
                return;
            }
            ClusterConfig current = raft.status().config();
            if (!current.members().contains(memberId)) {
                future.completeExceptionally(new MemberNotFoundException(memberId));
                return;
            }
            java.util.Set<Long> voters = new java.util.TreeSet<>(current.voters());
            java.util.Set<Long> learners = new java.util.TreeSet<>(current.learners());
            voters.remove(memberId);
            learners.remove(memberId);
            switch (raft.proposeConfigChange(ClusterConfig.of(voters, learners))) {
                case ProposeResult.Accepted accepted -> configChanges.awaitRemoval(memberId, future);
                case ProposeResult.NotLeader notLeader -> future.completeExceptionally(new NotLeaderException(notLeader.leaderHint()));
                case ProposeResult.Rejected rejected -> future.completeExceptionally(
                        new IllegalStateException("etcdserver: membership change refused (" + rejected.reason() + ")"));
            }
            afterEvent();
        });
        return future;
    }

    /** Called on the loop with each member id that an applied configuration change removed. */
    public void onMemberRemoved(java.util.function.LongConsumer listener) {
        configChanges.onMemberRemoved(listener);
    }

    // ---- client API, on any thread ----

    /** Proposes a write through consensus; completes with its result once applied here. */
    public CompletableFuture<KvResult> write(KvCommand command) {
        CompletableFuture<KvResult> future = new CompletableFuture<>();
        unproposed.add(new QueuedWrite(command, KvCodec.encodeCommand(command), future));
        // One loop task proposes everything queued meanwhile, so concurrent clients share appends and syncs.
        if (proposeScheduled.compareAndSet(false, true)) loop.execute(this::proposeQueued);
        return future;
    }

    private record QueuedWrite(KvCommand command, byte[] encoded, CompletableFuture<KvResult> future) {}

    private final java.util.concurrent.ConcurrentLinkedQueue<QueuedWrite> unproposed = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicBoolean proposeScheduled = new java.util.concurrent.atomic.AtomicBoolean();
    /** Bounds one loop turn, so a flood of writes cannot starve messages and timers. */
    private static final int PROPOSALS_PER_TURN_MAX = 512;

    private void proposeQueued() {
        proposeScheduled.set(false);
        List<QueuedWrite> batch = new ArrayList<>();
        List<RaftNode.Proposal> proposals = new ArrayList<>();
        for (QueuedWrite w; batch.size() < PROPOSALS_PER_TURN_MAX && (w = unproposed.poll()) != null; ) {
            long sequence = sequenceNext++;
            writesBySequence.put(sequence, w.future());
            batch.add(w);
            proposals.add(new RaftNode.Proposal(sessionId, sequence, w.encoded()));
        }
        if (!unproposed.isEmpty() && proposeScheduled.compareAndSet(false, true)) loop.execute(this::proposeQueued);
        if (batch.isEmpty()) return;
        List<ProposeResult> results = raft.proposeAll(proposals);
        for (int i = 0; i < batch.size(); i++) {
            long sequence = proposals.get(i).sequence();
            switch (results.get(i)) {
                case ProposeResult.Accepted accepted -> {
                    if (metrics != null) metrics.proposed();
                }
                case ProposeResult.NotLeader notLeader -> fail(writesBySequence.remove(sequence), new NotLeaderException(notLeader.leaderHint()));
                case ProposeResult.Rejected rejected -> fail(writesBySequence.remove(sequence),
                        new IllegalStateException("etcdserver: too many requests (" + rejected.reason() + ")"));
            }
            if (batch.get(i).command() instanceof KvCommand.LeaseKeepAlive keepAlive && raft.isLeader()) {
                leaseClock.keepAlive(keepAlive.id(), env.nowNs());
            }
        }
        // Large values can outrun the lease timer's check: look again after writes, at most every 100 ms.
        if (raft.isLeader() && env.nowNs() - byteCompactionCheckedNs > BYTE_COMPACTION_CHECK_NS) {
            byteCompactionCheckedNs = env.nowNs();
            proposeCompactionIfDue();
        }
        afterEvent();
    }


    /** A read: linearizable (ReadIndex) unless {@code serializable}, which answers from local state. */
    public CompletableFuture<KvResult> read(KvCommand command, boolean serializable) {
        CompletableFuture<KvResult> future = new CompletableFuture<>();
        loop.execute(() -> {
            if (serializable) {
                future.complete(kv.read(command));
                return;
            }
            long readId = readIdNext++;
            readsById.put(readId, new PendingRead(command, future));
            ReadResult result = raft.readIndex(readId);
            switch (result) {
                case ReadResult.Pending pending -> { }
                case ProposeResult.NotLeader notLeader -> fail(readsById.remove(readId) == null ? null : future,
                        new NotLeaderException(notLeader.leaderHint()));
                case ProposeResult.Rejected rejected -> fail(readsById.remove(readId) == null ? null : future,
                        new IllegalStateException("etcdserver: too many requests (" + rejected.reason() + ")"));
            }
            afterEvent();
        });
        return future;
    }

    /** Starts a watch on this replica's local state; responses go to {@code sink} on the loop thread. */
    public CompletableFuture<Long> watch(WatchRequest request, Consumer<WatchResponse> sink) {
        CompletableFuture<Long> id = new CompletableFuture<>();
        loop.execute(() -> {
            long watchId = kv.watches().watch(request);
            watchSinks.put(watchId, sink);
            id.complete(watchId);
            afterEvent();
        });
        return id;
    }

    /**
     * Completes with revision R once every event of watch {@code watchId} up to R has gone to its
     * sink (etcd's progress notice promises exactly that); with the current revision if the watch ended.
     */
    public CompletableFuture<Long> watchProgress(long watchId) {
        CompletableFuture<Long> future = new CompletableFuture<>();
        loop.execute(() -> {
            progressWaiters.add(new ProgressWaiter(watchId, future));
            afterEvent();
        });
        return future;
    }

    private record ProgressWaiter(long watchId, CompletableFuture<Long> future) {}

    private final List<ProgressWaiter> progressWaiters = new ArrayList<>();

    /** Ends a watch. */
    public void cancelWatch(long watchId) {
        loop.execute(() -> {
            kv.watches().cancel(watchId);
            afterEvent();
            watchSinks.remove(watchId);
        });
    }

    /**
     * Whole seconds lease {@code leaseId} has left by this leader's clock; -1 when unknown here.
     * Fails with {@link NotLeaderException} on a follower, whose clock holds no deadlines.
     */
    public CompletableFuture<Long> leaseRemainingTtlSeconds(long leaseId) {
        CompletableFuture<Long> future = new CompletableFuture<>();
        loop.execute(() -> {
            if (!raft.isLeader()) {
                future.completeExceptionally(new NotLeaderException(raft.leaderId()));
            } else {
                future.complete(leaseClock.remainingTtlSeconds(leaseId, env.nowNs()));
            }
        });
        return future;
    }

    /** Where to count proposals and leader changes; set before {@link #start()}. */
    public void metrics(NodeMetrics nodeMetrics) {
        this.metrics = nodeMetrics;
    }

    /** Revisions of history to keep before the leader compacts (0: never); set before {@link #start()}. */
    public void historyRetentionRevisions(long revisions) {
        this.historyRetentionRevisions = revisions;
    }

    /**
     * Bytes of superseded history (keys and values no longer live) above which the leader compacts
     * the older half of it, whatever the revision count (0: no byte bound); set before {@link #start()}.
     */
    public void historyRetentionBytes(long bytes) {
        this.historyRetentionBytes = bytes;
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

    /** Applied index, store revision and {@link KvStateMachine#hash()}, read together on the loop. */
    public record StateHash(long appliedIndex, long revision, long hash) {}

    /**
     * The replicated state's hash with the applied index and revision it belongs to, taken in one loop
     * task so that replicas at the same applied index can be compared. Serializes the whole store:
     * for checkers, not for a hot path.
     */
    public CompletableFuture<StateHash> stateHash() {
        CompletableFuture<StateHash> future = new CompletableFuture<>();
        loop.execute(() -> future.complete(new StateHash(raft.status().appliedIndex(), kv.revision(), kv.hash())));
        return future;
    }

    /** The store's revision as of the last event (safe from any thread). */
    public long revision() {
        return revision;
    }

    // ---- Raft's callbacks, on the loop ----

    @Override
    public void onApplied(long index, long clientId, long sequence, byte[] result) {
        if (clientId != sessionId) return;
        CompletableFuture<KvResult> future = writesBySequence.remove(sequence);
        if (future != null) future.complete(KvCodec.decodeResult(result));
    }

    @Override
    public void onStaleSequence(long index, long clientId, long sequence) {
        if (clientId == sessionId) fail(writesBySequence.remove(sequence), new OutcomeUnknownException());
    }

    @Override
    public void onProposalDropped(long clientId, long sequence) {
        if (clientId == sessionId) fail(writesBySequence.remove(sequence), new OutcomeUnknownException());
    }

    @Override
    public void onReadReady(long readId, long readIndex) {
        PendingRead pending = readsById.remove(readId);
        if (pending != null) pending.future.complete(kv.read(pending.command));
    }

    @Override
    public void onReadFailed(long readId) {
        PendingRead pending = readsById.remove(readId);
        if (pending != null) fail(pending.future, new NotLeaderException(raft.leaderId()));
    }

    @Override
    public void onRoleChanged(RaftRole role, long term, long leaderId) {
        if (leaderId != 0 && leaderId != lastKnownLeader) {
            if (lastKnownLeader != -1 && metrics != null) metrics.leaderChanged();
            lastKnownLeader = leaderId;
        }
        if (role == RaftRole.LEADER) {
            leaseClock.onBecameLeader(env.nowNs());
        } else {
            leaseClock.onBecameFollower();
        }
    }

    private static <T> void fail(CompletableFuture<T> future, RuntimeException error) {
        if (future != null) future.completeExceptionally(error);
    }

    /** After every event: push watch events out and publish what this node believes. */
    private void afterEvent() {
        if (!watchSinks.isEmpty()) {
            for (int round = 0; round < 8; round++) {
                List<WatchResponse> responses = new ArrayList<>(kv.watches().drain());
                for (WatchResponse response : responses) {
                    Consumer<WatchResponse> sink = watchSinks.get(response.watchId());
                    if (sink != null) sink.accept(response);
                    if (response.canceled()) watchSinks.remove(response.watchId());
                }
                if (!kv.watches().catchingUp()) break;
            }
        }
        if (!progressWaiters.isEmpty()) {
            progressWaiters.removeIf(waiter -> {
                if (!watchSinks.containsKey(waiter.watchId())) {
                    waiter.future().complete(kv.revision());
                    return true;
                }
                var progress = kv.watches().progress(waiter.watchId());
                progress.ifPresent(p -> waiter.future().complete(p.revision()));
                return progress.isPresent();
            });
        }
        status = raft.status();
        revision = kv.revision();
        storedBytes = kv.store().storedBytes();
        configChanges.observe(status.config());
    }

    @Override
    public void close() {
        loop.close();
    }

    /** Raft applies committed commands to the MVCC store through this adapter. */
    private record KvAdapter(KvStateMachine kv) implements StateMachine {
        @Override public byte[] apply(long index, byte[] command) { return kv.apply(index, command); }
        @Override public byte[] snapshot() { return kv.snapshot(); }
        @Override public void restore(byte[] snapshot) { kv.restore(snapshot); }
    }
}
