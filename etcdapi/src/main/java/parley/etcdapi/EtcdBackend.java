package parley.etcdapi;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import parley.kv.KvCommand;
import parley.kv.KvResult;
import parley.kv.WatchRequest;

/**
 * What the etcd API needs from a node: the seam between the gRPC services and whatever keeps the
 * data. {@link LocalBackend} is one state machine in one process; the Raft-backed node implements the
 * same interface, so the services never learn which one they talk to.
 *
 * <p>Two kinds of failure come back, and the services map both to etcd's status codes and messages:
 * <ul>
 *   <li>a {@link KvResult.Failure} result: the state machine refused the command (compacted revision,
 *       unknown lease, duplicate key...); the future completes normally with it;</li>
 *   <li>an {@link EtcdBackendException} (or a timeout): the cluster could not decide (no leader, not
 *       leader, overloaded, stopped); the future completes exceptionally.</li>
 * </ul>
 *
 * <p>Futures may complete on any thread; implementations must not block the caller's thread, because
 * the gRPC services call them from network threads.
 */
public interface EtcdBackend {

    /**
     * Runs a command through consensus: put, delete range, a txn that writes, compact, lease grant,
     * lease revoke, lease keep-alive. The future completes once the command is applied (committed and
     * executed on this node), with its result. A keep-alive's result carries the TTL the leader renewed
     * the lease by; a lease that exists in the log but whose deadline already passed yields
     * {@link parley.kv.KvError#LEASE_NOT_FOUND}, as in etcd.
     */
    CompletableFuture<KvResult> write(KvCommand command);

    /**
     * Answers a read-only command (range, a txn without writes, lease time-to-live, lease list).
     * Linearizable unless {@code serializable}: the answer then reflects every write acknowledged before
     * the call; a serializable read may answer from this node's possibly stale state.
     */
    CompletableFuture<KvResult> read(KvCommand command, boolean serializable);

    /**
     * Whole seconds lease {@code leaseId} has left on the leader's clock, or -1 when no such lease is
     * known there. Deadlines are the leader's (see {@link parley.kv.LeaseClock}), hence a separate call.
     */
    CompletableFuture<Long> leaseRemainingTtlSeconds(long leaseId);

    /**
     * Starts a watch. Every response for it (created first, then events a whole revision at a time,
     * progress notices, and at most one canceled last) goes to {@code sink}, in order, one call at a
     * time. The sink may be called before this method returns, from another thread.
     */
    WatchHandle watch(WatchRequest request, WatchSink sink);

    /** The fields of etcd's response header as of now; cheap, called on every response. */
    ClusterHeader header();

    /** The cluster's members, as etcd's {@code MemberList} reports them. */
    CompletableFuture<List<MemberInfo>> members();

    /**
     * Removes member {@code memberId} from the cluster configuration (through consensus); completes
     * with the members left once the change is committed.
     */
    default CompletableFuture<List<MemberInfo>> removeMember(long memberId) {
        return CompletableFuture.failedFuture(new EtcdBackendException(EtcdBackendException.Reason.MEMBERSHIP_UNSUPPORTED, ""));
    }

    /** This node's status, as etcd's {@code Maintenance.Status} reports it. */
    CompletableFuture<StatusInfo> status();

    /** etcd's Hash: a hash of this member's whole state (at its applied index). */
    default CompletableFuture<Integer> hash() {
        return CompletableFuture.failedFuture(Unimplemented.status("etcdserverpb.Maintenance/Hash"));
    }

    /**
     * etcd's HashKV: the hash of the key-value history at or below {@code revision} (0: the current
     * revision), equal on every member that applied the same log. Fails with etcd's error for a
     * compacted or future revision.
     */
    default CompletableFuture<HashKv> hashKv(long revision) {
        return CompletableFuture.failedFuture(Unimplemented.status("etcdserverpb.Maintenance/HashKV"));
    }

    /** What {@link #hashKv} answers: the hash, the compact revision, and the revision it was read at. */
    record HashKv(int hash, long compactRevision, long revision) {}

    /** etcd's Defragment: the storage keeps only what it needs (here: a snapshot now, the log compacted behind it). */
    default CompletableFuture<Void> defragment() {
        return CompletableFuture.failedFuture(Unimplemented.status("etcdserverpb.Maintenance/Defragment"));
    }

    /**
     * etcd's MoveLeader: on the leader, hands leadership to member {@code targetId} and completes once
     * it leads; fails with "not leader" elsewhere and "bad leader transferee" for a non-member.
     */
    default CompletableFuture<Void> moveLeader(long targetId) {
        return CompletableFuture.failedFuture(Unimplemented.status("etcdserverpb.Maintenance/MoveLeader"));
    }
}
