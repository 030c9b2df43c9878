package parley.raft;

/**
 * What a Raft node tells its runtime. Every method runs on the node's own event handler and must
 * not call back into the node (the node is not re-entrant); queue the follow-up instead.
 */
public interface RaftListener {
    /** A listener that ignores everything. */
    RaftListener NONE = new RaftListener() {};

    /**
     * A COMMAND entry was applied on this node (every replica reports every command). For a retried
     * command (same {@code clientId} and {@code sequence} as the last one applied for that client)
     * the state machine is not called again and {@code result} is the cached result.
     */
    default void onApplied(long index, long clientId, long sequence, byte[] result) {}

    /**
     * A COMMAND entry was skipped because its client session has already applied a later sequence:
     * the request is older than the one the client sent last and its result is no longer known.
     */
    default void onStaleSequence(long index, long clientId, long sequence) {}

    /** This node, which started without its state ({@link RaftNode#join}), holds everything committed through {@code commitIndex} and votes again. */
    default void onCaughtUp(long commitIndex) {}

    /** The read registered as {@code readId} may now be served from local state at {@code readIndex}. */
    default void onReadReady(long readId, long readIndex) {}

    /** The read registered as {@code readId} cannot be confirmed (leadership lost); retry elsewhere. */
    default void onReadFailed(long readId) {}

    /** The role, the term or the known leader changed ({@code leaderId} 0 when unknown). */
    default void onRoleChanged(RaftRole role, long term, long leaderId) {}

    /**
     * This node accepted the proposal as leader but lost leadership before applying it. It may still
     * be committed by a later leader: the outcome is unknown, not failed.
     */
    default void onProposalDropped(long clientId, long sequence) {}

    /**
     * Whether the state machine lets an idle leader quiesce now (with {@code RaftConfig.quiesce}): a
     * state machine with timed work of its own (leases to expire) keeps its group awake.
     */
    default boolean mayQuiesce() {
        return true;
    }
}
