package parley.raft;

/**
 * The durable state of one Raft node, as the runtime's disk offers it: the hard state, the latest
 * snapshot and the log entries after it.
 *
 * <p>Reads see every write made so far (synced or not). Writes are volatile until a later
 * {@link #sync(long)} completes: a crash may lose any unsynced write, and may tear the last one.
 * The runtime reports completion by calling the node's sync-completed handler with the same id, only
 * after every write issued before {@code sync} is durable. Raft acknowledges nothing (a vote, an
 * appended entry) before the sync that covers it has completed.
 *
 * <p>Implementations: in-memory for unit tests, a simulated disk with faults in the simulator, a
 * write-ahead log in the server. After a restart the node reads its state back from here.
 */
public interface RaftStorage {
    /** The latest hard state written. */
    HardState hardState();

    /** Writes the hard state (volatile until synced). */
    void setHardState(HardState state);

    /** The latest snapshot, or {@link Snapshot#EMPTY} when there is none. */
    Snapshot snapshot();

    /** Index of the first entry held in the log: {@code snapshot().index() + 1} after compaction. */
    long firstIndex();

    /** Index of the last entry, or {@code snapshot().index()} when the log after it is empty. */
    long lastIndex();

    /**
     * Term of the entry at {@code index}; valid for {@code snapshot().index() <= index <= lastIndex()}
     * (the snapshot's own index answers with the snapshot's term; index 0 answers 0).
     */
    long term(long index);

    /** The entry at {@code index}, for {@code firstIndex() <= index <= lastIndex()}. */
    LogEntry entry(long index);

    /** Appends entries; the first must have index {@code lastIndex() + 1}. Volatile until synced. */
    void append(java.util.List<LogEntry> entries);

    /** Removes every entry with index greater than {@code index} (a conflicting suffix). */
    void truncateAfter(long index);

    /**
     * Stores a snapshot and discards log entries it covers. If the log holds an entry at the
     * snapshot's index with the snapshot's term, later entries are kept; otherwise the whole log is
     * discarded. Volatile until synced.
     */
    void saveSnapshot(Snapshot snapshot);

    /** Requests that every write issued so far become durable; completion is reported with {@code syncId}. */
    void sync(long syncId);
}
