package parley.raft;

/**
 * One entry of the replicated log. {@code data} is opaque to Raft except for {@link Kind#CONFIG}
 * entries, whose data is an encoded {@link ClusterConfig}.
 *
 * @param term  the leader's term when the entry was created
 * @param index the entry's position in the log, starting at 1
 * @param kind  what the entry carries
 * @param data  the payload; never mutated after creation
 */
public record LogEntry(long term, long index, Kind kind, byte[] data) {
    /** What an entry carries. */
    public enum Kind {
        /** A no-op appended by each new leader so it can commit entries of earlier terms. */
        NOOP,
        /** A client command for the state machine. */
        COMMAND,
        /** A membership configuration (joint or simple). */
        CONFIG
    }

    public LogEntry {
        if (term < 1) throw new IllegalArgumentException("term must be >= 1: " + term);
        if (index < 1) throw new IllegalArgumentException("index must be >= 1: " + index);
        if (kind == null || data == null) throw new IllegalArgumentException("kind and data are required");
    }

    /** Approximate encoded size in bytes, used to bound batches. */
    public int sizeBytes() {
        return data.length + 24;
    }
}
