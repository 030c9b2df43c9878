package parley.raft;

/** Why a leader refused a request it could otherwise have served. */
public enum RejectReason {
    /** A bound was reached (pending proposals or pending reads); retry later. */
    BUSY,
    /** A leadership transfer is under way; the caller should retry at the new leader. */
    TRANSFER_IN_PROGRESS,
    /** The command does not fit in one append message ({@code RaftConfig.maxAppendBytes}). */
    TOO_LARGE,
    /** Another membership change is not yet complete, or the leader has not committed in its term yet. */
    CONFIG_CHANGE_IN_PROGRESS,
    /** The requested configuration is not valid (no voters, a voter that is also a learner, joint). */
    INVALID_CONFIG,
    /** The requested leadership-transfer target is not a voter or is this node. */
    INVALID_TARGET
}
