package parley.kv;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import parley.core.Check;

/**
 * The live versions of recently used keys, and keys recently found absent, kept on the heap so that
 * hot keys are read and overwritten without asking the engine: least recently used first out, bounded
 * by an estimate of the bytes it holds, within a budget shared by every group of the node
 * ({@link LiveCacheBudget}). The store updates it with every commit and clears it when a
 * snapshot replaces the state, so it never answers with anything the engine would not.
 */
final class LiveCache {
    /** What the cache says about a key known to have no live version. */
    static final Mutation ABSENT = new Mutation(new Revision(0, 0), Event.Type.DELETE, KeyValue.tombstone(Bytes.of((byte) 0), 0));
    /** Bytes an entry costs beyond its key and value: the map entry, the records and array headers. */
    private static final int ENTRY_OVERHEAD_BYTES = 160;

    private final LiveCacheBudget budget;
    private final LinkedHashMap<Bytes, Mutation> entries = new LinkedHashMap<>(1024, 0.75f, true);
    private long bytes;

    /** @param budget the heap this cache shares with the other groups' caches of its node */
    LiveCache(LiveCacheBudget budget) {
        this.budget = budget;
    }

    /** The change that made {@code key}'s live version, {@link #ABSENT}, or null when the cache does not know. */
    Mutation get(Bytes key) {
        return entries.get(key);
    }

    /**
     * Records the change that made {@code key}'s live version ({@code null}: it has none). When the
     * budget is spent, this cache's least recently used entries make room; if they cannot, the key is
     * simply not cached.
     */
    void put(Bytes key, Mutation live) {
        remove(key);
        long cost = cost(key, live);
        Iterator<Map.Entry<Bytes, Mutation>> oldest = entries.entrySet().iterator();
        while (!budget.take(cost)) {
            if (!oldest.hasNext()) return;
            Map.Entry<Bytes, Mutation> entry = oldest.next();
            release(cost(entry.getKey(), entry.getValue()));
            oldest.remove();
        }
        entries.put(key, live == null ? ABSENT : live);
        bytes += cost;
    }

    void remove(Bytes key) {
        Mutation previous = entries.remove(key);
        if (previous != null) release(cost(key, previous));
    }

    void clear() {
        budget.giveBack(bytes);
        entries.clear();
        bytes = 0;
    }

    private void release(long cost) {
        bytes -= cost;
        budget.giveBack(cost);
        Check.that(bytes >= 0, "the live cache holds %d bytes, not less than none", bytes);
    }

    long bytes() {
        return bytes;
    }

    int size() {
        return entries.size();
    }

    private static long cost(Bytes key, Mutation live) {
        return ENTRY_OVERHEAD_BYTES + 2L * key.length() + (live == null || live == ABSENT ? 0 : live.kv().value().length());
    }
}
