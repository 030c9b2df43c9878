package parley.engine.rocks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

/**
 * What every RocksDB engine of one node shares: one block cache and one budget for memtables, so a
 * node's native memory for its state is bounded by configuration however many groups it hosts (each
 * group's engine would otherwise take its own cache and write buffers). Opens and tracks the engines;
 * closing it closes them.
 *
 * @see Settings for the bounds and their defaults
 */
public final class RocksEngines implements AutoCloseable {
    /**
     * @param blockCacheBytes  the shared cache of uncompressed blocks (reads of hot keys come from it);
     *                         native memory, not heap
     * @param memtableBytesMax the memtables of all engines together; past it RocksDB flushes the largest
     * @param memtableBytes    one memtable's size before it is flushed to a file
     */
    public record Settings(long blockCacheBytes, long memtableBytesMax, long memtableBytes) {
        public Settings {
            if (blockCacheBytes < 1 << 20) throw new IllegalArgumentException("block cache below 1 MiB: " + blockCacheBytes);
            if (memtableBytes < 1 << 20) throw new IllegalArgumentException("memtable below 1 MiB: " + memtableBytes);
            if (memtableBytesMax < memtableBytes) throw new IllegalArgumentException("memtable budget " + memtableBytesMax + " below one memtable " + memtableBytes);
        }

        /** 128 MiB of block cache, 128 MiB of memtables in all, 32 MiB each: about 256 MiB of native memory per node. */
        public static Settings defaults() {
            return new Settings(128L << 20, 128L << 20, 32L << 20);
        }
    }

    static {
        RocksDB.loadLibrary();
    }

    private final Settings settings;
    private final LRUCache blockCache;
    private final WriteBufferManager writeBuffers;
    private final List<RocksEngine> open = new ArrayList<>();
    private boolean closed;

    public RocksEngines(Settings settings) {
        this.settings = settings;
        // Memtables are charged to the cache (RocksDB's way to bound both together), so the cache holds
        // both budgets: were it only the block cache's, full memtables would leave no room for the index
        // and filter blocks every read needs (a put of a cold key then cost 300 us instead of 30).
        this.blockCache = new LRUCache(settings.blockCacheBytes() + settings.memtableBytesMax());
        this.writeBuffers = new WriteBufferManager(settings.memtableBytesMax(), blockCache);
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Opens the engine in {@code directory} after deleting whatever it held: the state is rebuilt
     * from the group's snapshot and log at every start (see docs/server.md), so nothing of an earlier
     * run may remain in it.
     */
    public synchronized RocksEngine openEmpty(Path directory) {
        if (closed) throw new IllegalStateException("the node's engines are closed");
        try {
            deleteTree(directory);
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the state directory " + directory + ": " + e.getMessage(), e);
        }
        RocksEngine engine = new RocksEngine(directory, this, blockCache, writeBuffers, settings.memtableBytes());
        open.add(engine);
        return engine;
    }

    /** Deletes an engine's directory (a dropped group's state). The engine must be closed. */
    public static void delete(Path directory) {
        try {
            deleteTree(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the state directory " + directory + ": " + e.getMessage(), e);
        }
    }

    synchronized void closed(RocksEngine engine) {
        open.remove(engine);
    }

    /** What the open engines' files and memtables take now, in bytes (etcd's dbSize). */
    public synchronized long sizeBytes() {
        long bytes = 0;
        for (RocksEngine engine : open) bytes += engine.sizeBytesOrZero();
        return bytes;
    }

    /** What the open engines' live data would take once compacted, in bytes (etcd's dbSizeInUse, estimated). */
    public synchronized long liveSizeBytes() {
        long bytes = 0;
        for (RocksEngine engine : open) bytes += engine.liveSizeBytesOrZero();
        return bytes;
    }

    /** Native bytes the shared cache holds now: blocks read, and the memtables charged to it. */
    public long blockCacheUsageBytes() {
        return blockCache.getUsage();
    }

    /** Native bytes all memtables hold now. */
    public synchronized long memtableUsageBytes() {
        long bytes = 0;
        for (RocksEngine engine : open) bytes += engine.memtableBytes();
        return bytes;
    }

    @Override
    public void close() {
        List<RocksEngine> engines;
        synchronized (this) {
            if (closed) return;
            closed = true;
            engines = new ArrayList<>(open);
        }
        for (RocksEngine engine : engines) engine.close();
        writeBuffers.close();
        blockCache.close();
    }

    private static void deleteTree(Path directory) throws IOException {
        if (!Files.exists(directory)) return;
        try (var walk = Files.walk(directory)) {
            for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(path);
        }
    }
}
