package parley.raft;

import java.util.Map;
import java.util.TreeMap;
import parley.core.Check;

/**
 * The cluster configurations in the log, by index, above a base (the snapshot's configuration).
 * A configuration takes effect as soon as it is appended, not when committed (dissertation 4.1), so
 * truncating a conflicting suffix must also roll the configuration back: hence a history, not a value.
 */
final class ConfigHistory {
    private long baseIndex;
    private ClusterConfig base;
    private final TreeMap<Long, ClusterConfig> changes = new TreeMap<>();

    ConfigHistory(long baseIndex, ClusterConfig base) {
        this.baseIndex = baseIndex;
        this.base = base;
    }

    /** The configuration in force: the last one appended. */
    ClusterConfig latest() {
        return changes.isEmpty() ? base : changes.lastEntry().getValue();
    }

    /** Index of the last CONFIG entry, or the base index when the log after it has none. */
    long latestIndex() {
        return changes.isEmpty() ? baseIndex : changes.lastKey();
    }

    /** The configuration in force at {@code index} (the last one at or below it). */
    ClusterConfig at(long index) {
        Check.that(index >= baseIndex, "config at %d requested below the base %d", index, baseIndex);
        Map.Entry<Long, ClusterConfig> e = changes.floorEntry(index);
        return e == null ? base : e.getValue();
    }

    void appended(LogEntry entry) {
        if (entry.kind() != LogEntry.Kind.CONFIG) return;
        Check.that(entry.index() > latestIndex(), "CONFIG entry %d not above the last one %d", entry.index(), latestIndex());
        changes.put(entry.index(), EntryCodec.decodeConfig(entry.data()));
    }

    void truncateAfter(long index) {
        Check.that(index >= baseIndex, "truncating config history below its base");
        changes.tailMap(index, false).clear();
    }

    /** Moves the base up to {@code index} (compaction or snapshot install that keeps the log after it). */
    void rebase(long index, ClusterConfig config) {
        changes.headMap(index, true).clear();
        baseIndex = index;
        base = config;
        Check.that(changes.isEmpty() || changes.firstKey() > baseIndex, "config history below its base");
    }

    /** Forgets everything: the log after {@code index} was discarded. */
    void reset(long index, ClusterConfig config) {
        changes.clear();
        baseIndex = index;
        base = config;
    }
}
