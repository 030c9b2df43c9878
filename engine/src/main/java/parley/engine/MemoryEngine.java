package parley.engine;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import parley.core.Check;

/**
 * The engine as a sorted map on the heap: deterministic, no files, nothing survives the object. The
 * simulator and fast tests run it; it keeps {@link KvEngine}'s contract exactly as the RocksDB engine
 * does, including the refusal to write while a cursor is open.
 */
public final class MemoryEngine implements KvEngine {
    private final TreeMap<byte[], byte[]> entries = new TreeMap<>(Arrays::compareUnsigned);
    private long bytes;
    private int openCursors;
    private boolean closed;

    @Override
    public byte[] get(byte[] key) {
        checkOpen();
        byte[] value = entries.get(key);
        return value == null ? null : value.clone();
    }

    @Override
    public Cursor scan(byte[] from, byte[] to) {
        checkOpen();
        Iterator<Map.Entry<byte[], byte[]>> each = view(from, to).entrySet().iterator();
        openCursors++;
        return new Cursor() {
            private boolean open = true;

            @Override
            public Entry next() {
                Check.that(open, "a closed cursor is not read");
                if (!each.hasNext()) return null;
                Map.Entry<byte[], byte[]> entry = each.next();
                return new Entry(entry.getKey().clone(), entry.getValue().clone());
            }

            @Override
            public void close() {
                if (open) {
                    open = false;
                    openCursors--;
                }
            }
        };
    }

    @Override
    public Entry last(byte[] from, byte[] to) {
        checkOpen();
        Map.Entry<byte[], byte[]> entry = view(from, to).lastEntry();
        return entry == null ? null : new Entry(entry.getKey().clone(), entry.getValue().clone());
    }

    private NavigableMap<byte[], byte[]> view(byte[] from, byte[] to) {
        if (to == null) return entries.tailMap(from, true);
        if (Arrays.compareUnsigned(from, to) >= 0) return new TreeMap<>(Arrays::compareUnsigned);
        return entries.subMap(from, true, to, false);
    }

    @Override
    public void write(WriteBatch batch) {
        checkOpen();
        if (openCursors > 0) throw new IllegalStateException("engine write while " + openCursors + " cursor(s) are open");
        for (WriteBatch.Op op : batch.ops()) {
            switch (op.kind()) {
                case PUT -> {
                    byte[] previous = entries.put(op.key().clone(), op.value().clone());
                    bytes += op.value().length + (previous == null ? op.key().length : -previous.length);
                }
                case DELETE -> remove(op.key());
                case DELETE_RANGE -> {
                    if (Arrays.compareUnsigned(op.key(), op.rangeEnd()) < 0) {
                        NavigableMap<byte[], byte[]> doomed = entries.subMap(op.key(), true, op.rangeEnd(), false);
                        for (Map.Entry<byte[], byte[]> entry : doomed.entrySet()) {
                            bytes -= entry.getKey().length + entry.getValue().length;
                        }
                        doomed.clear();
                    }
                }
            }
        }
        Check.that(bytes >= 0, "the memory engine's byte count stays non-negative");
    }

    private void remove(byte[] key) {
        byte[] previous = entries.remove(key);
        if (previous != null) bytes -= key.length + previous.length;
    }

    @Override
    public long sizeBytes() {
        checkOpen();
        return bytes;
    }

    @Override
    public long liveSizeBytes() {
        return sizeBytes();
    }

    @Override
    public void compact() {
        checkOpen();
    }

    /** The number of entries (for tests). */
    public int entryCount() {
        return entries.size();
    }

    @Override
    public void close() {
        closed = true;
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("engine is closed");
    }
}
