package parley.raft;

/**
 * A state machine snapshot and the log position it covers.
 *
 * @param index  the last log index included
 * @param term   the term of that entry
 * @param config the cluster configuration in force at {@code index}
 * @param data   the state machine's serialized state (including client sessions)
 */
public record Snapshot(long index, long term, ClusterConfig config, byte[] data) {
    public static final Snapshot EMPTY = new Snapshot(0, 0, ClusterConfig.EMPTY, new byte[0]);
}
