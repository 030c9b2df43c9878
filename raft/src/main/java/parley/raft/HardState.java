package parley.raft;

/**
 * The state Raft must make durable before acting on it: the current term and the vote cast in it, and
 * whether this node is still catching up after it started without its state.
 *
 * @param term       the latest term this node has seen
 * @param votedFor   the node voted for in {@code term}, or {@link #NO_VOTE}
 * @param catchingUp this node started on empty storage without founding the cluster (it is new, or it
 *                   lost its data): it casts no vote and never campaigns until it holds everything a
 *                   leader had committed when it heard from it (see {@link RaftNode#join})
 */
public record HardState(long term, long votedFor, boolean catchingUp) {
    public static final long NO_VOTE = 0;
    public static final HardState INITIAL = new HardState(0, NO_VOTE);

    public HardState(long term, long votedFor) {
        this(term, votedFor, false);
    }
}
