package parley.kv;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import parley.core.Check;

/**
 * The multi-version key-value history at the heart of the state machine, with etcd's revision model.
 *
 * <p>The store has one cluster-wide revision, starting at 1 for the empty store. A write transaction
 * ({@link #beginWrite()} .. {@link #endWrite()}) that changes anything raises it by exactly one; its
 * changes share that main revision and are told apart by sub-revision. A transaction that changes
 * nothing leaves the revision alone, as in etcd. Each key carries its create revision, mod revision
 * and version; a delete ends the key's generation, so the next put starts again at version 1 with a
 * new create revision.
 *
 * <p>Every change is kept, so reads at a past revision see the past, until {@link #compact} drops what
 * no read at or above the compact revision can need. Reads below the compact revision then fail.
 *
 * <p>The store knows nothing of leases beyond the lease id stored in each version, nor of commands:
 * {@code KvApplier} gives them their etcd meaning on top. Committed revisions are announced to one
 * listener, this replica's {@link WatchHub}.
 */
public final class MvccStore {
    /** Receives what the store commits. Called synchronously, on the applying caller. */
    interface Listener {
        /** Revision {@code revision} committed with {@code events}, in sub-revision order, prevKv set. */
        void onCommitted(long revision, List<Event> events);

        /** The whole state was replaced by a snapshot; anything derived from it must be rebuilt. */
        void onReset();
    }

    private static final Listener NO_LISTENER = new Listener() {
        @Override
        public void onCommitted(long revision, List<Event> events) {}

        @Override
        public void onReset() {}
    };

    /** The first revision, that of the empty store. */
    public static final long REVISION_INITIAL = 1;

    /** Every key with retained history, in key order (for ranges). */
    private TreeMap<Bytes, KeyHistory> keys = new TreeMap<>();
    /** The same histories by key, for the point lookups every put and get makes (no tree walk). */
    private HashMap<Bytes, KeyHistory> byKey = new HashMap<>();
    private RevisionLog history = new RevisionLog();
    private long revision = REVISION_INITIAL;
    private long compactRevision = 0;
    /** Key and value bytes of every retained change (live versions, history and tombstones). */
    private long storedBytes;
    /** Key and value bytes of the live versions only. */
    private long liveBytes;
    private Listener listener = NO_LISTENER;

    private boolean writing;
    private final ArrayList<Event> writeEvents = new ArrayList<>();

    /** Sets the one listener told of commits and resets. */
    void listener(Listener newListener) {
        listener = newListener == null ? NO_LISTENER : newListener;
    }

    /** The revision of the last committed change (1 when nothing was ever written). */
    public long revision() {
        return revision;
    }

    /** The revision history was last compacted to; 0 before the first compaction. */
    public long compactRevision() {
        return compactRevision;
    }

    /** The number of keys that exist now. */
    public long liveKeyCount() {
        long count = 0;
        for (KeyHistory key : keys.values()) {
            if (key.live() != null) {
                count++;
            }
        }
        return count;
    }

    /**
     * Key and value bytes of every retained change: what the store holds in memory and writes into
     * each snapshot, before per-object overhead. Quotas and byte-based compaction read it.
     */
    public long storedBytes() {
        return storedBytes;
    }

    /**
     * The revision a compaction would have to reach to drop the oldest changes holding at least
     * {@code bytes} key and value bytes (at most the current revision). Versions still live survive any
     * compaction, so it may free less; a caller checks again afterwards.
     */
    public long revisionAfterOldest(long bytes) {
        long counted = 0;
        for (Mutation change : history.all()) {
            counted += bytesOf(change);
            if (counted >= bytes) return Math.min(revision, Math.max(compactRevision + 1, change.revision().main() + 1));
        }
        return revision;
    }

    /** Key and value bytes of the live versions: what no compaction can free. */
    public long liveBytes() {
        return liveBytes;
    }

    /** The number of stored changes, live or historical; the size that compaction bounds. */
    public int historySize() {
        return history.size();
    }

    /**
     * The revision reads see: the current one, or inside a write transaction that already changed
     * something, the one it will commit as, so that later ops of a transaction see earlier writes.
     */
    public long readRevision() {
        return writing && !writeEvents.isEmpty() ? revision + 1 : revision;
    }

    /**
     * etcd's HashKV: a CRC32C over every retained change at or below main revision {@code revision}
     * (key, revision, type, value, lease), in key then revision order. Replicas that applied the same
     * log, compactions included, give the same hash for the same revision: a difference is corruption.
     */
    public int hashKv(long revision) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        java.nio.ByteBuffer numbers = java.nio.ByteBuffer.allocate(8 * 4 + 1);
        for (Map.Entry<Bytes, KeyHistory> entry : keys.entrySet()) {
            byte[] key = entry.getKey().bytes();
            entry.getValue().forEachAtOrBelow(revision, mutation -> {
                crc.update(key);
                numbers.clear();
                numbers.putLong(mutation.revision().main()).putLong(mutation.revision().sub()).put((byte) mutation.type().ordinal());
                if (mutation.isPut()) numbers.putLong(mutation.kv().lease()).putLong(mutation.kv().version());
                crc.update(numbers.array(), 0, numbers.position());
                if (mutation.isPut()) crc.update(mutation.kv().value().bytes());
            });
        }
        return (int) crc.getValue();
    }

    /** The live version of {@code key} at {@code atRevision}, or null. The revision must be readable. */
    public KeyValue get(Bytes key, long atRevision) {
        checkReadable(atRevision);
        KeyHistory history = byKey.get(key);
        return history == null ? null : history.liveAt(atRevision);
    }

    /** The live version of {@code key} at the read revision, or null. */
    public KeyValue get(Bytes key) {
        KeyHistory history = byKey.get(key);
        return history == null ? null : history.live();
    }

    /**
     * The live versions in {@code range} at {@code atRevision}, in key order, at most
     * {@code limit} of them (0 or less: all), and how many there were in total.
     */
    public Slice range(KeyRange range, long atRevision, long limit) {
        checkReadable(atRevision);
        boolean latest = atRevision == readRevision();
        if (range.isSingleKey()) {
            // The common get: one hash lookup instead of a sorted-map walk.
            KeyHistory key = byKey.get(range.key());
            KeyValue kv = key == null ? null : latest ? key.live() : key.liveAt(atRevision);
            return kv == null ? EMPTY_SLICE : new Slice(List.of(kv), 1);
        }
        ArrayList<KeyValue> kvs = new ArrayList<>();
        long count = 0;
        for (KeyHistory key : range.slice(keys).values()) {
            KeyValue kv = latest ? key.live() : key.liveAt(atRevision);
            if (kv != null) {
                count++;
                if (limit <= 0 || kvs.size() < limit) {
                    kvs.add(kv);
                }
            }
        }
        return new Slice(kvs, count);
    }

    /** Some versions of a range, and how many the range held in total. */
    public record Slice(List<KeyValue> kvs, long count) {
        public Slice {
            kvs = Collections.unmodifiableList(kvs);
        }
    }

    private static final Slice EMPTY_SLICE = new Slice(List.of(), 0);

    private void checkReadable(long atRevision) {
        Check.that(atRevision >= compactRevision && atRevision <= readRevision(),
                "read at %d lies within the readable revisions [%d, %d]", atRevision, compactRevision,
                readRevision());
    }

    /** Opens a write transaction; its changes commit together at the next revision. */
    void beginWrite() {
        Check.that(!writing, "write transactions do not nest");
        Check.that(writeEvents.isEmpty(), "no changes are pending outside a write transaction");
        writing = true;
    }

    /** Writes {@code key}; returns the version it replaced, or null when the key did not exist. */
    KeyValue put(Bytes key, Bytes value, long lease) {
        Check.that(writing, "put happens inside a write transaction");
        Check.that(!key.isEmpty(), "keys are not empty");
        long main = revision + 1;
        KeyHistory keyHistory = byKey.get(key);
        if (keyHistory == null) {
            keyHistory = new KeyHistory();
            byKey.put(key, keyHistory);
            keys.put(key, keyHistory);
        }
        KeyValue previous = keyHistory.live();
        long createRevision = previous == null ? main : previous.createRevision();
        long version = previous == null ? 1 : previous.version() + 1;
        record(keyHistory, Event.Type.PUT, new KeyValue(key, createRevision, main, version, value, lease), previous);
        return previous;
    }

    /** Deletes {@code key}; returns the deleted version, or null (changing nothing) when it did not exist. */
    KeyValue delete(Bytes key) {
        Check.that(writing, "delete happens inside a write transaction");
        KeyHistory keyHistory = byKey.get(key);
        KeyValue previous = keyHistory == null ? null : keyHistory.live();
        if (previous != null) {
            record(keyHistory, Event.Type.DELETE, KeyValue.tombstone(key, revision + 1), previous);
        }
        return previous;
    }

    private void record(KeyHistory keyHistory, Event.Type type, KeyValue kv, KeyValue previous) {
        Mutation mutation = new Mutation(new Revision(revision + 1, writeEvents.size()), type, kv);
        keyHistory.append(mutation);
        history.append(mutation);
        storedBytes += bytesOf(mutation);
        liveBytes += (type == Event.Type.PUT ? bytesOf(kv) : 0) - (previous == null ? 0 : bytesOf(previous));
        writeEvents.add(new Event(type, kv, previous));
    }

    /** Closes the write transaction; returns the revision now current (raised by one if anything changed). */
    long endWrite() {
        Check.that(writing, "endWrite closes an open write transaction");
        writing = false;
        if (writeEvents.isEmpty()) {
            return revision;
        }
        revision++;
        List<Event> events = List.copyOf(writeEvents);
        writeEvents.clear();
        listener.onCommitted(revision, events);
        return revision;
    }

    /**
     * Drops history below {@code newCompactRevision}, keeping for each key the version current at it.
     * Callers check the revision first: it must be above the current compact revision and at most the
     * current revision.
     */
    void compact(long newCompactRevision) {
        Check.that(!writing, "compaction happens between write transactions");
        Check.that(newCompactRevision > compactRevision && newCompactRevision <= revision,
                "compaction to %d moves forward within (%d, %d]", newCompactRevision, compactRevision, revision);
        Set<Mutation> dropped = Collections.newSetFromMap(new IdentityHashMap<>());
        Iterator<Map.Entry<Bytes, KeyHistory>> each = keys.entrySet().iterator();
        while (each.hasNext()) {
            Map.Entry<Bytes, KeyHistory> entry = each.next();
            Bytes key = entry.getKey(); // read first: TreeMap may reuse a removed entry for its successor
            entry.getValue().compact(newCompactRevision, dropped::add);
            if (entry.getValue().isEmpty()) {
                each.remove();
                byKey.remove(key);
            }
        }
        history.removeAll(dropped);
        for (Mutation gone : dropped) storedBytes -= bytesOf(gone);
        compactRevision = newCompactRevision;
    }

    private static long bytesOf(Mutation mutation) {
        return bytesOf(mutation.kv());
    }

    private static long bytesOf(KeyValue kv) {
        return kv.key().length() + kv.value().length();
    }

    /** The stored changes with main revision in {@code [fromRevision, toRevision]}, in order. */
    List<Mutation> changes(long fromRevision, long toRevision) {
        return history.between(fromRevision, toRevision);
    }

    /** The version a stored change replaced, or null when there was none or it was compacted away. */
    KeyValue previousOf(Mutation mutation) {
        KeyHistory key = byKey.get(mutation.kv().key());
        return key == null ? null : key.liveBefore(mutation.revision());
    }

    /** Every stored change in revision order, for the snapshot. */
    Iterable<Mutation> allChanges() {
        return history.all();
    }

    /** Every live version in key order. */
    Iterable<KeyValue> liveValues() {
        ArrayList<KeyValue> live = new ArrayList<>();
        for (Map.Entry<Bytes, KeyHistory> entry : keys.entrySet()) {
            KeyValue kv = entry.getValue().live();
            if (kv != null) {
                live.add(kv);
            }
        }
        return live;
    }

    /**
     * Replaces the whole state with a history read from a snapshot, then tells the listener.
     *
     * @param changes the retained changes in revision order
     */
    void reset(long newRevision, long newCompactRevision, List<Mutation> changes) {
        Check.that(!writing, "restore happens between write transactions");
        TreeMap<Bytes, KeyHistory> newKeys = new TreeMap<>();
        HashMap<Bytes, KeyHistory> newByKey = new HashMap<>();
        RevisionLog newHistory = new RevisionLog();
        for (Mutation change : changes) {
            Check.that(change.revision().main() <= newRevision, "snapshot changes lie at or below its revision");
            KeyHistory key = newByKey.computeIfAbsent(change.kv().key(), unused -> new KeyHistory());
            newKeys.putIfAbsent(change.kv().key(), key);
            key.append(change);
            newHistory.append(change);
        }
        keys = newKeys;
        byKey = newByKey;
        history = newHistory;
        storedBytes = 0;
        for (Mutation change : changes) storedBytes += bytesOf(change);
        liveBytes = 0;
        for (KeyHistory key : newKeys.values()) {
            KeyValue live = key.live();
            if (live != null) liveBytes += bytesOf(live);
        }
        revision = newRevision;
        compactRevision = newCompactRevision;
        listener.onReset();
    }
}
