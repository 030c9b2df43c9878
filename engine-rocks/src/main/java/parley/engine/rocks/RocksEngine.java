package parley.engine.rocks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.CompressionType;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.WriteOptions;
import parley.engine.KvEngine;
import parley.engine.WriteBatch;

/**
 * {@link KvEngine} on RocksDB, one database per group. Keys, values and history live in RocksDB's
 * files and its native memtables and block cache (bounded per node by {@link RocksEngines}); the heap
 * holds none of them.
 *
 * <p>RocksDB's own write-ahead log is off: the group's Raft log is the log, and the state is rebuilt
 * from the group's snapshot and log at every start ({@link RocksEngines#openEmpty}), so a write batch
 * only has to reach the memtable. Used by one thread at a time (the node's loop).
 */
public final class RocksEngine implements KvEngine {
    private final Path directory;
    private final RocksEngines owner;
    private final Options options;
    private final WriteOptions writeOptions;
    private final RocksDB db;
    private int openCursors;
    private volatile boolean closed;

    RocksEngine(Path directory, RocksEngines owner, Cache blockCache, WriteBufferManager writeBuffers, long memtableBytes) {
        this.directory = directory;
        this.owner = owner;
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(blockCache)
                .setFilterPolicy(new BloomFilter(10, false))
                .setCacheIndexAndFilterBlocks(true)
                .setCacheIndexAndFilterBlocksWithHighPriority(true)
                .setPinL0FilterAndIndexBlocksInCache(true);
        this.options = new Options()
                .setCreateIfMissing(true)
                .setWriteBufferManager(writeBuffers)
                .setWriteBufferSize(memtableBytes)
                .setMaxWriteBufferNumber(2)
                // One thread writes (the node's loop): no write-group coordination, no spinning for one.
                .setAllowConcurrentMemtableWrite(false)
                .setEnableWriteThreadAdaptiveYield(false)
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setMaxBackgroundJobs(2)
                // RocksDB's own info log: warnings only, in at most two files of 1 MiB, so it never grows unbounded.
                .setInfoLogLevel(org.rocksdb.InfoLogLevel.WARN_LEVEL)
                .setMaxLogFileSize(1L << 20)
                .setKeepLogFileNum(2)
                .setTableFormatConfig(table);
        this.writeOptions = new WriteOptions().setDisableWAL(true);
        try {
            this.db = RocksDB.open(options, directory.toString());
        } catch (RocksDBException e) {
            options.close();
            writeOptions.close();
            throw failure("open", e);
        }
    }

    public Path directory() {
        return directory;
    }

    @Override
    public byte[] get(byte[] key) {
        checkOpen();
        try {
            return db.get(key);
        } catch (RocksDBException e) {
            throw failure("read", e);
        }
    }

    @Override
    public Cursor scan(byte[] from, byte[] to) {
        checkOpen();
        Bounded bounded = new Bounded(from, to);
        bounded.iterator.seek(from);
        openCursors++;
        return new Cursor() {
            private boolean open = true;

            @Override
            public Entry next() {
                if (!open) throw new IllegalStateException("a closed cursor is not read");
                RocksIterator it = bounded.iterator;
                if (!it.isValid()) {
                    checkStatus(it);
                    return null;
                }
                Entry entry = new Entry(it.key(), it.value());
                it.next();
                return entry;
            }

            @Override
            public void close() {
                if (open) {
                    open = false;
                    openCursors--;
                    bounded.close();
                }
            }
        };
    }

    @Override
    public Entry last(byte[] from, byte[] to) {
        checkOpen();
        try (Bounded bounded = new Bounded(from, to)) {
            RocksIterator it = bounded.iterator;
            it.seekToLast();
            if (!it.isValid()) {
                checkStatus(it);
                return null;
            }
            return new Entry(it.key(), it.value());
        }
    }

    /** An iterator limited to {@code [from, to)}, with the native objects it needs. */
    private final class Bounded implements AutoCloseable {
        final Slice lower;
        final Slice upper;
        final ReadOptions readOptions;
        final RocksIterator iterator;

        Bounded(byte[] from, byte[] to) {
            lower = new Slice(from);
            upper = to == null ? null : new Slice(to);
            readOptions = new ReadOptions().setIterateLowerBound(lower);
            if (upper != null) readOptions.setIterateUpperBound(upper);
            iterator = db.newIterator(readOptions);
        }

        @Override
        public void close() {
            iterator.close();
            readOptions.close();
            lower.close();
            if (upper != null) upper.close();
        }
    }

    private void checkStatus(RocksIterator it) {
        try {
            it.status();
        } catch (RocksDBException e) {
            throw failure("scan", e);
        }
    }

    @Override
    public void write(WriteBatch batch) {
        checkOpen();
        if (openCursors > 0) throw new IllegalStateException("engine write while " + openCursors + " cursor(s) are open");
        if (batch.isEmpty()) return;
        try (org.rocksdb.WriteBatch native_ = new org.rocksdb.WriteBatch()) {
            for (WriteBatch.Op op : batch.ops()) {
                switch (op.kind()) {
                    case PUT -> native_.put(op.key(), op.value());
                    case DELETE -> native_.delete(op.key());
                    case DELETE_RANGE -> {
                        // RocksDB refuses a range whose start is not below its end; such a range is empty.
                        if (java.util.Arrays.compareUnsigned(op.key(), op.rangeEnd()) < 0) native_.deleteRange(op.key(), op.rangeEnd());
                    }
                }
            }
            db.write(writeOptions, native_);
        } catch (RocksDBException e) {
            throw failure("write", e);
        }
    }

    @Override
    public long sizeBytes() {
        checkOpen();
        return property("rocksdb.total-sst-files-size") + property("rocksdb.cur-size-all-mem-tables");
    }

    @Override
    public long liveSizeBytes() {
        checkOpen();
        return property("rocksdb.estimate-live-data-size") + property("rocksdb.cur-size-all-mem-tables");
    }

    /** {@link #sizeBytes}, or 0 once closed (for sums taken by other threads while groups come and go). */
    long sizeBytesOrZero() {
        return closed ? 0 : property("rocksdb.total-sst-files-size") + property("rocksdb.cur-size-all-mem-tables");
    }

    long liveSizeBytesOrZero() {
        return closed ? 0 : property("rocksdb.estimate-live-data-size") + property("rocksdb.cur-size-all-mem-tables");
    }

    /** Native bytes this engine's memtables hold now. */
    long memtableBytes() {
        return closed ? 0 : property("rocksdb.cur-size-all-mem-tables");
    }

    private long property(String name) {
        try {
            return db.getLongProperty(name);
        } catch (RocksDBException e) {
            throw failure("read property " + name + " of", e);
        }
    }

    @Override
    public void compact() {
        checkOpen();
        try {
            db.flush(new org.rocksdb.FlushOptions().setWaitForFlush(true));
            db.compactRange();
        } catch (RocksDBException e) {
            throw failure("compact", e);
        }
    }

    @Override
    public void close() {
        if (closed) return;
        // First out of the node's set, under its lock: a size summed by another thread (/status, Status)
        // then never reads a database being closed (a closed RocksDB handle must not be touched).
        owner.closed(this);
        closed = true;
        db.close();
        options.close();
        writeOptions.close();
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("engine is closed");
    }

    private UncheckedIOException failure(String what, RocksDBException e) {
        String detail = e.getStatus() == null ? String.valueOf(e.getMessage()) : e.getStatus().getCodeString() + ": " + e.getMessage();
        return new UncheckedIOException(new IOException("cannot " + what + " the state engine in " + directory + ": " + detail, e));
    }
}
