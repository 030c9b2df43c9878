package parley.raft;

/**
 * The immediate answer to {@link RaftNode#propose}, {@link RaftNode#proposeConfigChange} and
 * {@link RaftNode#transferLeadership}. Acceptance is not commitment: the outcome of an accepted
 * command arrives later through {@link RaftListener#onApplied} (or
 * {@link RaftListener#onProposalDropped} when this node loses leadership first).
 */
public sealed interface ProposeResult permits ProposeResult.Accepted, ProposeResult.NotLeader, ProposeResult.Rejected {
    /** Appended to the leader's log at {@code index} in {@code term}. */
    record Accepted(long index, long term) implements ProposeResult {}

    /** This node is not the leader; {@code leaderHint} is the leader it knows of, or 0. */
    record NotLeader(long leaderHint) implements ProposeResult, ReadResult {}

    /** The leader refused the request for {@code reason}. */
    record Rejected(RejectReason reason) implements ProposeResult, ReadResult {}
}
