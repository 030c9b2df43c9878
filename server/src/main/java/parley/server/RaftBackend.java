package parley.server;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import parley.etcdapi.EtcdErrors;
import parley.etcdapi.ClusterHeader;
import parley.etcdapi.EtcdBackend;
import parley.etcdapi.EtcdBackendException;
import parley.etcdapi.MemberInfo;
import parley.etcdapi.RequestDeadlines;
import parley.etcdapi.StatusInfo;
import parley.etcdapi.WatchHandle;
import parley.etcdapi.WatchSink;
import parley.keyspace.KeyspaceRouter;
import parley.keyspace.Route;
import parley.kv.KvCommand;
import parley.kv.KvResult;
import parley.kv.WatchRequest;
import parley.raft.ClusterConfig;
import parley.raft.RaftRole;
import parley.raft.RaftStatus;
import parley.replica.KvReplica;

/**
 * The etcd API's backend on a Raft replica: writes go through consensus, reads through ReadIndex
 * (or local state when serializable), watches run on this replica's store. Failures of the cluster to
 * decide become etcd's errors ("no leader", "leader changed", "request timed out").
 */
public final class RaftBackend implements EtcdBackend {
    /** etcd's default request timeout is 5 s plus a margin for the election; ours is the same order. */
    private static final long REQUEST_TIMEOUT_MS = 7_000;

    private final RaftKvNode node;
    private final ServerConfig config;
    private final long clusterId;
    private final java.util.function.LongSupplier dbSizeBytes;
    private final java.util.function.LongSupplier dbSizeInUseBytes;
    private final Forwarder forwarder;
    private final NodeMetrics metrics;
    private final java.util.function.Supplier<String> diskFailure;
    private final RequestDeadlines deadlines;

    /**
     * @param dbSizeBytes      what the node's state takes on disk (etcd's dbSize)
     * @param dbSizeInUseBytes what its live data needs of that (etcd's dbSizeInUse)
     */
    RaftBackend(RaftKvNode node, ServerConfig config, long clusterId, java.util.function.LongSupplier dbSizeBytes,
                java.util.function.LongSupplier dbSizeInUseBytes, Forwarder forwarder, NodeMetrics metrics, java.util.function.Supplier<String> diskFailure) {
        this.node = node;
        this.diskFailure = diskFailure;
        this.deadlines = new RequestDeadlines("parley-request-deadlines-" + config.nodeId(), REQUEST_TIMEOUT_MS);
        this.forwarder = forwarder;
        this.metrics = metrics;
        this.config = config;
        this.clusterId = clusterId;
        this.dbSizeBytes = dbSizeBytes;
        this.dbSizeInUseBytes = dbSizeInUseBytes;
    }

    @Override
    public CompletableFuture<KvResult> write(KvCommand command) {
        String diskFailure = this.diskFailure.get();
        if (diskFailure != null) {
            // The log cannot make anything durable: refuse rather than accept writes we could never acknowledge.
            return CompletableFuture.failedFuture(new EtcdBackendException(EtcdBackendException.Reason.NO_SPACE, diskFailure));
        }
        Routed routed;
        try {
            routed = route(command);
        } catch (StatusRuntimeException refused) {
            return CompletableFuture.failedFuture(refused);
        }
        String overQuota = quotaProblem(routed.group(), command);
        if (overQuota != null) {
            return CompletableFuture.failedFuture(new EtcdBackendException(EtcdBackendException.Reason.NO_SPACE, overQuota));
        }
        return timed(command, writeGroup(routed.group(), command, routed.registryRevision()));
    }

    /** Where a request goes: a group, and the registry revision it was routed by (the group refuses it if fenced later). */
    private record Routed(long group, long registryRevision) {}

    /**
     * Writes {@code command} to group {@code group} through its leader, as routed by registry revision
     * {@code routedAt} (0: unrouted, the admin API's own writes to the metadata group).
     */
    CompletableFuture<KvResult> writeGroup(long group, KvCommand command, long routedAt) {
        return translate(viaLeader(group, () -> node.write(group, command, routedAt), leader -> forwarder.write(leader, group, command, routedAt)));
    }

    /** A linearizable read of group {@code group} through its leader. */
    CompletableFuture<KvResult> readGroup(long group, KvCommand command, long routedAt) {
        return translate(viaLeader(group, () -> node.read(group, command, false, routedAt), leader -> forwarder.read(leader, group, command, routedAt)));
    }

    /**
     * The group that holds {@code command}'s keys, by this node's keyspace registry.
     *
     * @throws StatusRuntimeException FAILED_PRECONDITION when the command spans keyspaces or its
     *                                keyspace's mode cannot serve it, naming the keyspaces;
     *                                UNAVAILABLE while its keyspace is being created or dropped
     */
    private Routed route(KvCommand command) {
        var registry = node.registry();
        return new Routed(groupOf(KeyspaceRouter.route(registry, command)), registry.revision());
    }

    private static long groupOf(Route route) {
        return switch (route) {
            case Route.To to -> to.keyspace().groupId();
            case Route.Refused refused -> throw Status.FAILED_PRECONDITION.withDescription("parley: " + refused.message()).asRuntimeException();
            case Route.Unavailable unavailable -> throw Status.UNAVAILABLE.withDescription("parley: " + unavailable.message()).asRuntimeException();
        };
    }

    /**
     * Why {@code command} would take its group's store past the quota, or null: the replica's own rule
     * ({@link KvReplica#quotaRefusal}), checked here too so that a follower refuses before forwarding.
     */
    private String quotaProblem(long group, KvCommand command) {
        return KvReplica.quotaRefusal(command, node.storedBytes(group), config.quotaBackendBytes());
    }

    @Override
    public CompletableFuture<KvResult> read(KvCommand command, boolean serializable) {
        Routed routed;
        try {
            routed = route(command);
        } catch (StatusRuntimeException refused) {
            return CompletableFuture.failedFuture(refused);
        }
        if (serializable) return timed(command, translate(node.read(routed.group(), command, true, routed.registryRevision())));
        return timed(command, readGroup(routed.group(), command, routed.registryRevision()));
    }

    /** Records the request's latency under its command name (Put, Range, Txn, LeaseGrant...). */
    private <T> CompletableFuture<T> timed(KvCommand command, CompletableFuture<T> future) {
        if (metrics == null) return future;
        long startNs = System.nanoTime();
        String rpc = command.getClass().getSimpleName();
        return future.whenComplete((value, error) -> metrics.request(rpc, System.nanoTime() - startNs));
    }

    @Override
    public CompletableFuture<Long> leaseRemainingTtlSeconds(long leaseId) {
        return translate(viaLeader(KvReplica.DEFAULT_GROUP_ID, () -> node.leaseRemainingTtlSeconds(leaseId),
                leader -> forwarder.leaseTtl(leader, leaseId)));
    }

    /** A follower of group {@code group} that knows its leader forwards the request there (one hop), as etcd's members do. */
    private <T> CompletableFuture<T> viaLeader(long group, java.util.function.Supplier<CompletableFuture<T>> local,
                                               java.util.function.LongFunction<CompletableFuture<T>> forward) {
        // Known to be a follower of a known leader: forward at once, without a trip through the loop.
        RaftStatus status = node.status(group);
        if (status != null && status.role() != parley.raft.RaftRole.LEADER && status.leaderId() != 0 && status.leaderId() != config.nodeId()) {
            return forward.apply(status.leaderId());
        }
        return local.get().exceptionallyCompose(error -> {
            Throwable cause = EtcdErrors.unwrap(error);
            if (cause instanceof RaftKvNode.NotLeaderException notLeader && notLeader.leaderId() != 0
                    && notLeader.leaderId() != config.nodeId()) {
                return forward.apply(notLeader.leaderId());
            }
            return CompletableFuture.failedFuture(cause);
        });
    }

    @Override
    public WatchHandle watch(WatchRequest request, WatchSink sink) {
        long group = groupOf(KeyspaceRouter.route(node.registry(), request));
        CompletableFuture<Long> watchId = node.watch(group, request, sink::onResponse);
        return new WatchHandle() {
            @Override public void cancel() { watchId.thenAccept(id -> node.cancelWatch(group, id)); }
            @Override public CompletableFuture<Long> progressRevision() { return watchId.thenCompose(id -> node.watchProgress(group, id)); }
            @Override public void resume() { watchId.thenAccept(id -> node.resumeWatch(group, id)); }
        };
    }

    @Override
    public ClusterHeader header() {
        RaftStatus s = node.status();
        return new ClusterHeader(clusterId, config.nodeId(), node.revision(), s.term());
    }

    @Override
    public CompletableFuture<List<MemberInfo>> members() {
        ClusterConfig current = node.status().config();
        return CompletableFuture.completedFuture(memberInfos(current.members(), current));
    }

    @Override
    public CompletableFuture<List<MemberInfo>> removeMember(long memberId) {
        CompletableFuture<java.util.Set<Long>> left = viaLeader(KvReplica.DEFAULT_GROUP_ID,
                () -> node.removeMember(memberId).thenApply(ClusterConfig::members),
                leader -> forwarder.removeMember(leader, memberId));
        // The members the leader reports left (this node may apply the change a moment later).
        return translate(left).thenApply(ids -> memberInfos(ids, node.status().config()));
    }

    /** The configured members among {@code ids}, as etcd lists them; learner flags from {@code roles}. */
    private List<MemberInfo> memberInfos(java.util.Set<Long> ids, ClusterConfig roles) {
        List<MemberInfo> members = new ArrayList<>();
        for (ServerConfig.Member m : config.members().values()) {
            if (!ids.contains(m.id())) continue;
            members.add(new MemberInfo(m.id(), "n" + m.id(), List.of("http://" + m.peer()), List.of("http://" + m.client()),
                    roles.isLearnerOnly(m.id())));
        }
        return members;
    }

    /** Stops the deadline sweeper. */
    void close() {
        deadlines.close();
    }

    @Override
    public CompletableFuture<StatusInfo> status() {
        RaftStatus s = node.status();
        return CompletableFuture.completedFuture(new StatusInfo(ETCD_API_VERSION, dbSizeBytes.getAsLong(), dbSizeInUseBytes.getAsLong(), s.leaderId(), s.lastIndex(),
                s.term(), s.appliedIndex(), s.config().isLearnerOnly(s.nodeId())));
    }

    /** Bounds the wait and turns the node's exceptions into etcd's. */
    @Override
    public CompletableFuture<Integer> hash() {
        return translate(node.stateHash()).thenApply(state -> (int) (state.hash() ^ (state.hash() >>> 32)));
    }

    @Override
    public CompletableFuture<HashKv> hashKv(long revision) {
        return translate(node.hashKv(revision)).thenApply(h -> new HashKv(h.hash(), h.compactRevision(), h.revision()));
    }

    @Override
    public CompletableFuture<Void> defragment() {
        return translate(node.defragment()).thenApply(groups -> null);
    }

    /** The etcd API this server speaks (etcdctl prints it as the version); Parley's own version is in /status. */
    static final String ETCD_API_VERSION = "3.4.0";

    /** How long MoveLeader waits for the target to take over (etcd waits up to its request timeout). */
    private static final long MOVE_LEADER_WAIT_NS = 5_000_000_000L;

    /** Moves the default group's leadership (keyspaces' groups keep theirs; see docs/server.md). */
    @Override
    public CompletableFuture<Void> moveLeader(long targetId) {
        RaftStatus status = node.status();
        if (status.role() != RaftRole.LEADER) {
            return CompletableFuture.failedFuture(new EtcdBackendException(EtcdBackendException.Reason.NOT_LEADER));
        }
        if (!status.config().voters().contains(targetId)) {
            return CompletableFuture.failedFuture(new EtcdBackendException(EtcdBackendException.Reason.BAD_LEADER_TRANSFEREE,
                    "member " + Long.toHexString(targetId) + " is not a voter"));
        }
        if (targetId == status.nodeId()) return CompletableFuture.completedFuture(null);
        long deadlineNs = System.nanoTime() + MOVE_LEADER_WAIT_NS;
        return translate(node.transferLeadership(KvReplica.DEFAULT_GROUP_ID, targetId)).thenCompose(started -> awaitLeader(targetId, deadlineNs));
    }

    private CompletableFuture<Void> awaitLeader(long targetId, long deadlineNs) {
        if (node.status().leaderId() == targetId && node.status().role() != RaftRole.LEADER) return CompletableFuture.completedFuture(null);
        if (System.nanoTime() > deadlineNs) {
            return CompletableFuture.failedFuture(new EtcdBackendException(EtcdBackendException.Reason.TIMEOUT_LEADER_TRANSFER));
        }
        return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS))
                .thenCompose(waited -> awaitLeader(targetId, deadlineNs));
    }

    private <T> CompletableFuture<T> translate(CompletableFuture<T> future) {
        return deadlines.bound(future).handle((value, error) -> {
            if (error == null) return value;
            Throwable cause = EtcdErrors.unwrap(error);
            throw switch (cause) {
                case RaftKvNode.NotLeaderException notLeader -> new EtcdBackendException(notLeader.leaderId() == 0
                        ? EtcdBackendException.Reason.NO_LEADER : EtcdBackendException.Reason.NOT_LEADER,
                        notLeader.leaderId() == 0 ? "" : "leader is " + notLeader.leaderId());
                case RaftKvNode.OutcomeUnknownException unknown -> new EtcdBackendException(EtcdBackendException.Reason.LEADER_CHANGED);
                case RaftKvNode.MemberNotFoundException notFound -> new EtcdBackendException(EtcdBackendException.Reason.MEMBER_NOT_FOUND);
                case TimeoutException timeout -> new EtcdBackendException(EtcdBackendException.Reason.TIMEOUT);
                case RaftKvNode.GroupNotHostedException notHosted -> Status.UNAVAILABLE.withDescription(notHosted.getMessage()).asRuntimeException();
                case KvReplica.RevisionRefused refused -> EtcdErrors.of(refused.error());
                case EtcdBackendException already -> already;
                default -> new CompletionException(cause);
            };
        });
    }
}
