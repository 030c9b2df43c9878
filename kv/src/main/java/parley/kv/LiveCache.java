package parley.kv;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import parley.core.Check;

/**
 * The live versions of recently used keys, and keys recently found absent, kept on the heap so that
 * hot keys are read and overwritten without asking the engine: least recently used first out, bounded
 * by an estimate of the bytes it holds. The store updates it with every commit and clears it when a
 * snapshot replaces the state, so it never answers with anything the engine would not.
 */
final class LiveCache {
    /** What the cache says about a key known to have no live version. */
    static final Mutation ABSENT = new Mutation(new Revision(0, 0), Event.Type.DELETE, KeyValue.tombstone(Bytes.of((byte) 0), 0));
    /** Bytes an entry costs beyond its key and value: the map entry, the records and array headers. */
    private static final int ENTRY_OVERHEAD_BYTES = 160;

    private final long bytesMax;
    private final LinkedHashMap<Bytes, Mutation> entries = new LinkedHashMap<>(1024, 0.75f, true);
    private long bytes;

    /** @param bytesMax the most bytes held (0: the cache holds nothing) */
    LiveCache(long bytesMax) {
        Check.that(bytesMax >= 0, "a cache bound is not negative");
        this.bytesMax = bytesMax;
    }

    /** The change that made {@code key}'s live version, {@link #ABSENT}, or null when the cache does not know. */
    Mutation get(Bytes key) {
        return entries.get(key);
    }

    /** Records the change that made {@code key}'s live version ({@code null}: it has none). */
    void put(Bytes key, Mutation live) {
        long cost = cost(key, live);
        if (cost > bytesMax) {
            remove(key);
            return;
        }
        Mutation previous = entries.put(key, live == null ? ABSENT : live);
        bytes += cost - (previous == null ? 0 : cost(key, previous == ABSENT ? null : previous));
        Iterator<Map.Entry<Bytes, Mutation>> oldest = entries.entrySet().iterator();
        while (bytes > bytesMax && oldest.hasNext()) {
            Map.Entry<Bytes, Mutation> entry = oldest.next();
            bytes -= cost(entry.getKey(), entry.getValue() == ABSENT ? null : entry.getValue());
            oldest.remove();
        }
        Check.that(bytes >= 0 && bytes <= bytesMax, "the live cache holds %d bytes within its bound %d", bytes, bytesMax);
    }

    void remove(Bytes key) {
        Mutation previous = entries.remove(key);
        if (previous != null) bytes -= cost(key, previous == ABSENT ? null : previous);
    }

    void clear() {
        entries.clear();
        bytes = 0;
    }

    long bytes() {
        return bytes;
    }

    int size() {
        return entries.size();
    }

    private static long cost(Bytes key, Mutation live) {
        return ENTRY_OVERHEAD_BYTES + 2L * key.length() + (live == null ? 0 : live.kv().value().length());
    }
}
