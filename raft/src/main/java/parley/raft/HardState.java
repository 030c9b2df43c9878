package parley.raft;

/**
 * The state Raft must make durable before acting on it: the current term and the vote cast in it.
 *
 * @param term     the latest term this node has seen
 * @param votedFor the node voted for in {@code term}, or {@link #NO_VOTE}
 */
public record HardState(long term, long votedFor) {
    public static final long NO_VOTE = 0;
    public static final HardState INITIAL = new HardState(0, NO_VOTE);
}
