package parley.replica;

import parley.raft.RejectReason;

/** Why a replica did not answer a request with a result. Each says whether anything was done. */
public sealed interface ReplicaError {
    /** What to tell a user: etcd's wording where etcd has one. */
    String message();

    /** This replica does not lead; try {@code leaderHint} (0: unknown). Nothing was done. */
    record NotLeader(long leaderHint) implements ReplicaError {
        @Override public String message() {
            return leaderHint == 0 ? "etcdserver: no leader" : "etcdserver: not leader (leader is " + Long.toHexString(leaderHint) + ")";
        }
    }

    /** Leadership changed after the proposal was accepted: it may or may not take effect. */
    record OutcomeUnknown() implements ReplicaError {
        @Override public String message() { return "etcdserver: leader changed"; }
    }

    /** The leader refused for now (a bound reached, a transfer under way, a change in progress); nothing was done. */
    record Busy(RejectReason reason) implements ReplicaError {
        @Override public String message() { return "etcdserver: too many requests (" + reason + ")"; }
    }

    /** The write would take the store past its quota, or this node's disk failed; nothing was done. */
    record NoSpace(String detail) implements ReplicaError {
        @Override public String message() { return "etcdserver: mvcc: database space exceeded: " + detail; }
    }

    /** The member named is not in the configuration; nothing was done. */
    record MemberNotFound(long memberId) implements ReplicaError {
        @Override public String message() { return "etcdserver: member not found (" + Long.toHexString(memberId) + ")"; }
    }

    /** This node hosts no replica of the group asked for (its keyspace was dropped, or is not known here yet); nothing was done. */
    record GroupNotHosted(long nodeId, long groupId) implements ReplicaError {
        @Override public String message() {
            return "parley: n" + nodeId + " hosts no replica of group " + groupId + " (its keyspace was dropped, or is not known here yet)";
        }
    }
}
