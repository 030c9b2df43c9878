package parley.engine;

/**
 * An ordered key-value engine: byte keys in unsigned lexicographic order, point reads, ordered scans
 * and atomic batches of writes. The replicated state of a group lives on one; the store above it
 * ({@code parley.kv.MvccStore}) decides what the keys mean.
 *
 * <p>Two engines keep this contract: {@link MemoryEngine} (a sorted map, deterministic, what the
 * simulator and fast tests run) and the RocksDB engine of module {@code engine-rocks} (what a server
 * runs, so that the data lives on disk and not on the heap). One contract suite checks both.
 *
 * <p>Rules both keep, so the code above behaves the same on either:
 * <ul>
 *   <li>A batch applies whole or not at all, in the order its operations were added.</li>
 *   <li>No write while a cursor is open: the store reads, then writes, on one thread. An engine
 *       refuses a write with an open cursor ({@link IllegalStateException}), so a misuse fails in the
 *       simulator exactly as it would on a server.</li>
 *   <li>An I/O failure surfaces as {@link java.io.UncheckedIOException}; the replica then stops as it
 *       does when its log fails. A closed engine refuses every call.</li>
 * </ul>
 * Arrays handed in are not kept (the engine copies what it stores); arrays handed out are the caller's.
 */
public interface KvEngine extends AutoCloseable {
    /** The value stored at {@code key}, or null. */
    byte[] get(byte[] key);

    /**
     * The entries with {@code from <= key < to}, ascending. {@code to} null means no upper bound.
     * Close the cursor before the next write.
     */
    Cursor scan(byte[] from, byte[] to);

    /** The entry with the greatest key in {@code [from, to)}, or null when there is none. */
    Entry last(byte[] from, byte[] to);

    /** Applies {@code batch} atomically. An empty batch is a no-op. */
    void write(WriteBatch batch);

    /** What the engine's files take on disk now, in bytes (for a memory engine: what its entries hold). */
    long sizeBytes();

    /**
     * Bytes the live entries would take once the engine compacted its files: what {@link #sizeBytes}
     * would fall to after {@link #compact} (an estimate for an on-disk engine).
     */
    long liveSizeBytes();

    /** Rewrites the engine's files without the space that deleted entries still hold (etcd's defragment). */
    void compact();

    /** Releases the engine's resources. Idempotent. */
    @Override
    void close();

    /** One stored entry. */
    record Entry(byte[] key, byte[] value) {}

    /** An ascending walk over entries; not thread-safe; close it. */
    interface Cursor extends AutoCloseable {
        /** The next entry, or null once the walk is over. */
        Entry next();

        @Override
        void close();
    }
}
