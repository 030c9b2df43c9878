package parley.raft;

/**
 * The immediate answer to {@link RaftNode#readIndex}: either a refusal, or {@link Pending}, after
 * which exactly one of {@link RaftListener#onReadReady} or {@link RaftListener#onReadFailed} follows.
 */
public sealed interface ReadResult permits ProposeResult.NotLeader, ProposeResult.Rejected, ReadResult.Pending {
    /** Registered; the outcome arrives through the listener. */
    record Pending(long readId) implements ReadResult {}
}
