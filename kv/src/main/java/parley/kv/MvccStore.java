package parley.kv;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import parley.core.Check;
import parley.engine.KvEngine;
import parley.engine.MemoryEngine;
import parley.engine.WriteBatch;

/**
 * The multi-version key-value history at the heart of the state machine, with etcd's revision model,
 * kept in an ordered key-value engine ({@link StoreLayout} says how): on a server, RocksDB, so that
 * keys, values and history live on disk and not on the heap; in the simulator, a sorted map.
 *
 * <p>The store has one cluster-wide revision, starting at 1 for the empty store. A write transaction
 * ({@link #beginWrite()} .. {@link #endWrite()}) that changes anything raises it by exactly one; its
 * changes share that main revision and are told apart by sub-revision. A transaction that changes
 * nothing leaves the revision alone, as in etcd. Each key carries its create revision, mod revision
 * and version; a delete ends the key's generation, so the next put starts again at version 1 with a
 * new create revision. A transaction's changes reach the engine as one batch when it ends, together
 * with the store's counters and the applied log index; until then reads inside it see them through a
 * small overlay of the keys it touched.
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
    /** Long work (compaction, restore) reaches the engine in batches of about this many bytes, so no batch grows with the store. */
    private static final long BATCH_BYTES_MAX = 4L << 20;
    /** Changes examined per engine cursor during compaction, so its deletes can be written in between. */
    private static final int COMPACTION_CHUNK = 4096;
    /** Keys whose latest change a compaction holds in memory at once; past it the index is asked instead. */
    private static final int COMPACTION_KEYS_MAX = 65_536;

    private final KvEngine engine;
    private long revision = REVISION_INITIAL;
    private long compactRevision = 0;
    private long appliedIndex;
    /** Key and value bytes of every retained change (live versions, history and tombstones). */
    private long storedBytes;
    /** Key and value bytes of the live versions only. */
    private long liveBytes;
    private long liveKeys;
    /** Retained changes (the entries of the R space). */
    private long changeCount;
    private Listener listener = NO_LISTENER;

    private boolean writing;
    private final ArrayList<Event> writeEvents = new ArrayList<>();
    private final WriteBatch batch = new WriteBatch();
    /** The last change of each key the open transaction changed (a put, or a deletion). */
    private final TreeMap<Bytes, Mutation> overlay = new TreeMap<>();

    private final LiveCache cache;

    /** A store on an in-memory engine, with a cache of live versions of its own. */
    public MvccStore() {
        this(new MemoryEngine(), new LiveCacheBudget(LiveCacheBudget.GROUP_BYTES_DEFAULT));
    }

    /** A store on {@code engine}, which must be empty, caching live versions within {@code cacheBudget} (shared by a node's groups). */
    public MvccStore(KvEngine engine, LiveCacheBudget cacheBudget) {
        this.engine = engine;
        this.cache = new LiveCache(cacheBudget);
        try (KvEngine.Cursor cursor = engine.scan(new byte[0], null)) {
            Check.that(cursor.next() == null, "a store starts on an empty engine");
        }
    }

    /** Sets the one listener told of commits and resets. */
    void listener(Listener newListener) {
        listener = newListener == null ? NO_LISTENER : newListener;
    }

    /** The engine the store lives on (for its size on disk, and to close it). */
    public KvEngine engine() {
        return engine;
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
        return liveKeys;
    }

    /**
     * Key and value bytes of every retained change: what the store holds and writes into each
     * snapshot, before per-entry overhead. Quotas and byte-based compaction read it.
     */
    public long storedBytes() {
        return storedBytes;
    }

    /**
     * The revision a compaction would have to reach to drop the oldest changes since the last
     * compaction holding at least {@code bytes} key and value bytes (at most the current revision).
     * Versions still live survive any compaction, so it may free less; a caller checks again afterwards.
     */
    public long revisionAfterOldest(long bytes) {
        long counted = 0;
        try (KvEngine.Cursor cursor = engine.scan(StoreLayout.revisionKey(compactRevision, 0), StoreLayout.after(StoreLayout.BY_REVISION))) {
            for (KvEngine.Entry e = cursor.next(); e != null; e = cursor.next()) {
                counted += StoreLayout.payloadBytes(e.value());
                if (counted >= bytes) {
                    long main = StoreLayout.revisionOfRevisionKey(e.key()).main();
                    return Math.min(revision, Math.max(compactRevision + 1, main + 1));
                }
            }
        }
        return revision;
    }

    /** Key and value bytes of the live versions: what no compaction can free. */
    public long liveBytes() {
        return liveBytes;
    }

    /** The number of stored changes, live or historical; the size that compaction bounds. */
    public long historySize() {
        return changeCount;
    }

    /** The last log index whose changes the engine holds (0 before the first write). */
    public long appliedIndex() {
        return appliedIndex;
    }

    /** Notes the log index being applied (the state machine's applied index); written with the next batch of changes. */
    void applying(long index) {
        appliedIndex = index;
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
        try (KvEngine.Cursor cursor = engine.scan(StoreLayout.prefixOnly(StoreLayout.BY_KEY), StoreLayout.after(StoreLayout.BY_KEY))) {
            for (KvEngine.Entry e = cursor.next(); e != null; e = cursor.next()) {
                Revision at = StoreLayout.revisionOfKeyIndexEntry(e.key());
                if (at.main() > revision) continue;
                Mutation mutation = change(at);
                crc.update(mutation.kv().key().raw());
                numbers.clear();
                numbers.putLong(mutation.revision().main()).putLong(mutation.revision().sub()).put((byte) mutation.type().ordinal());
                if (mutation.isPut()) numbers.putLong(mutation.kv().lease()).putLong(mutation.kv().version());
                crc.update(numbers.array(), 0, numbers.position());
                if (mutation.isPut()) crc.update(mutation.kv().value().raw());
            }
        }
        return (int) crc.getValue();
    }

    /** The live version of {@code key} at {@code atRevision}, or null. The revision must be readable. */
    public KeyValue get(Bytes key, long atRevision) {
        checkReadable(atRevision);
        return atRevision == readRevision() ? get(key) : liveAt(key, atRevision);
    }

    /** The live version of {@code key} at the read revision, or null. */
    public KeyValue get(Bytes key) {
        Mutation live = liveChange(key);
        return live == null ? null : live.kv();
    }

    /** The change that made {@code key}'s live version at the read revision, or null when it has none. */
    private Mutation liveChange(Bytes key) {
        Mutation pending = overlay.get(key);
        if (pending != null) return pending.isPut() ? pending : null;
        Mutation cached = cache.get(key);
        if (cached != null) return cached == LiveCache.ABSENT ? null : cached;
        byte[] record = engine.get(StoreLayout.liveKey(key));
        Mutation live = record == null ? null : StoreLayout.mutation(record);
        cache.put(key, live);
        return live;
    }

    /** The live version of {@code key} as of main revision {@code atRevision}, from the key's history. */
    private KeyValue liveAt(Bytes key, long atRevision) {
        byte[] start = StoreLayout.keyIndexStart(key);
        KvEngine.Entry last = engine.last(start, StoreLayout.keyIndexEntry(start, atRevision + 1, 0));
        return last == null ? null : change(StoreLayout.revisionOfKeyIndexEntry(last.key())).liveValue();
    }

    /** The stored change at {@code at}, which the K space says exists. */
    private Mutation change(Revision at) {
        byte[] record = engine.get(StoreLayout.revisionKey(at.main(), at.sub()));
        Check.that(record != null, "the change at %s indexed by key is stored by revision", at);
        return StoreLayout.mutation(record);
    }

    /**
     * The live versions in {@code range} at {@code atRevision}, in key order, at most
     * {@code limit} of them (0 or less: all), and how many there were in total.
     */
    public Slice range(KeyRange range, long atRevision, long limit) {
        checkReadable(atRevision);
        if (range.isSingleKey()) {
            KeyValue kv = get(range.key(), atRevision);
            return kv == null ? EMPTY_SLICE : new Slice(List.of(kv), 1);
        }
        if (range.isEmpty()) return EMPTY_SLICE;
        SliceBuilder out = new SliceBuilder(limit);
        if (atRevision == readRevision()) {
            rangeLatest(range, out);
        } else {
            rangeAt(range, atRevision, out);
        }
        return new Slice(out.kvs, out.count);
    }

    private static final class SliceBuilder {
        final long limit;
        final ArrayList<KeyValue> kvs = new ArrayList<>();
        long count;

        SliceBuilder(long limit) {
            this.limit = limit;
        }

        /** Whether the next version found is returned (otherwise it is only counted). */
        boolean wantsMore() {
            return limit <= 0 || kvs.size() < limit;
        }

        void add(KeyValue kv) {
            count++;
            if (wantsMore()) kvs.add(kv);
        }

        /** Counts a version past the limit without it. */
        void countOnly() {
            count++;
        }
    }

    /** The current versions in {@code range}: the L space, merged with the open transaction's overlay. */
    private void rangeLatest(KeyRange range, SliceBuilder out) {
        byte[] from = StoreLayout.liveKey(range.key());
        byte[] to = range.isUnbounded() ? StoreLayout.after(StoreLayout.LIVE) : StoreLayout.liveKey(range.rangeEnd());
        Iterator<Map.Entry<Bytes, Mutation>> pending = range.slice(overlay).entrySet().iterator();
        Map.Entry<Bytes, Mutation> nextPending = pending.hasNext() ? pending.next() : null;
        try (KvEngine.Cursor cursor = engine.scan(from, to)) {
            KvEngine.Entry stored = cursor.next();
            while (stored != null || nextPending != null) {
                Bytes storedKey = stored == null ? null : StoreLayout.userKeyOfLive(stored.key());
                int order = storedKey == null ? 1 : nextPending == null ? -1 : storedKey.compareTo(nextPending.getKey());
                if (order < 0) {
                    if (out.wantsMore()) out.add(StoreLayout.mutation(stored.value()).kv());
                    else out.countOnly(); // past the limit: counted, not decoded
                    stored = cursor.next();
                } else {
                    if (nextPending.getValue().isPut()) out.add(nextPending.getValue().kv());
                    if (order == 0) stored = cursor.next(); // the overlay's version replaces the stored one
                    nextPending = pending.hasNext() ? pending.next() : null;
                }
            }
        }
    }

    /** The versions in {@code range} as of {@code atRevision}, from the K space: per key, its last change at or below it. */
    private void rangeAt(KeyRange range, long atRevision, SliceBuilder out) {
        byte[] from = StoreLayout.keyIndexRangeBound(range.key());
        byte[] to = range.isUnbounded() ? StoreLayout.after(StoreLayout.BY_KEY) : StoreLayout.keyIndexRangeBound(range.rangeEnd());
        try (KvEngine.Cursor cursor = engine.scan(from, to)) { // reads while it is open are allowed, writes are not
            byte[] keyPart = null;
            Revision best = null;
            for (KvEngine.Entry e = cursor.next(); e != null; e = cursor.next()) {
                int length = StoreLayout.keyPartLength(e.key());
                if (keyPart == null || !java.util.Arrays.equals(keyPart, 0, keyPart.length, e.key(), 0, length)) {
                    addLiveAt(best, out);
                    keyPart = java.util.Arrays.copyOf(e.key(), length);
                    best = null;
                }
                Revision at = StoreLayout.revisionOfKeyIndexEntry(e.key());
                if (at.main() <= atRevision) best = at;
            }
            addLiveAt(best, out);
        }
    }

    /** Adds the version made by the change at {@code at} (null: the key did not exist yet) unless it was a deletion. */
    private void addLiveAt(Revision at, SliceBuilder out) {
        if (at == null) return;
        KeyValue kv = change(at).liveValue();
        if (kv != null) out.add(kv);
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
        Check.that(writeEvents.isEmpty() && batch.isEmpty() && overlay.isEmpty(), "no changes are pending outside a write transaction");
        writing = true;
    }

    /** Writes {@code key}; returns the version it replaced, or null when the key did not exist. */
    KeyValue put(Bytes key, Bytes value, long lease) {
        Check.that(writing, "put happens inside a write transaction");
        Check.that(!key.isEmpty(), "keys are not empty");
        long main = revision + 1;
        Mutation previousChange = liveChange(key);
        KeyValue previous = previousChange == null ? null : previousChange.kv();
        long createRevision = previous == null ? main : previous.createRevision();
        long version = previous == null ? 1 : previous.version() + 1;
        record(Event.Type.PUT, new KeyValue(key, createRevision, main, version, value, lease), previousChange);
        return previous;
    }

    /** Deletes {@code key}; returns the deleted version, or null (changing nothing) when it did not exist. */
    KeyValue delete(Bytes key) {
        Check.that(writing, "delete happens inside a write transaction");
        Mutation previousChange = liveChange(key);
        if (previousChange != null) {
            record(Event.Type.DELETE, KeyValue.tombstone(key, revision + 1), previousChange);
        }
        return previousChange == null ? null : previousChange.kv();
    }

    private void record(Event.Type type, KeyValue kv, Mutation previousChange) {
        KeyValue previous = previousChange == null ? null : previousChange.kv();
        Revision at = new Revision(revision + 1, writeEvents.size());
        Mutation mutation = new Mutation(at, type, kv);
        byte[] record = StoreLayout.record(mutation, previousChange);
        batch.put(StoreLayout.revisionKey(at.main(), at.sub()), record);
        batch.put(StoreLayout.keyIndexEntry(StoreLayout.keyIndexStart(kv.key()), at.main(), at.sub()), new byte[0]);
        if (type == Event.Type.PUT) {
            batch.put(StoreLayout.liveKey(kv.key()), record);
        } else {
            batch.delete(StoreLayout.liveKey(kv.key()));
        }
        overlay.put(kv.key(), mutation);
        changeCount++;
        storedBytes += bytesOf(kv);
        liveBytes += (type == Event.Type.PUT ? bytesOf(kv) : 0) - (previous == null ? 0 : bytesOf(previous));
        liveKeys += (type == Event.Type.PUT ? 1 : 0) - (previous == null ? 0 : 1);
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
        writeState(batch);
        engine.write(batch);
        batch.clear();
        for (Map.Entry<Bytes, Mutation> changed : overlay.entrySet()) {
            cache.put(changed.getKey(), changed.getValue().isPut() ? changed.getValue() : null);
        }
        overlay.clear();
        checkCounters();
        List<Event> events = List.copyOf(writeEvents);
        writeEvents.clear();
        listener.onCommitted(revision, events);
        return revision;
    }

    private void writeState(WriteBatch into) {
        into.put(StoreLayout.stateKey(), StoreLayout.state(appliedIndex, revision, compactRevision, storedBytes, liveBytes,
                liveKeys, changeCount));
    }

    private void checkCounters() {
        Check.that(liveKeys >= 0 && liveKeys <= changeCount && liveBytes >= 0 && liveBytes <= storedBytes,
                "store counters agree: %d live keys of %d changes, %d live bytes of %d stored", liveKeys, changeCount,
                liveBytes, storedBytes);
    }

    /**
     * Drops history below {@code newCompactRevision}, keeping for each key the version current at it.
     * Callers check the revision first: it must be above the current compact revision and at most the
     * current revision.
     *
     * <p>A change below the new compact revision goes when it is a tombstone, or when a later change of
     * its key lies at or below the new compact revision. Only the changes since the last compaction are
     * visited, in revision order (plus, for each key they touch, the one version that survived the last
     * compaction, which the key's first change in the range supersedes), so a compaction costs in
     * proportion to the history it examines, not to the store. Each key's latest change seen so far
     * waits in a bounded map: the key's next change supersedes it; one still waiting at the end of the
     * range (or when the map is full) is superseded by nothing in the range.
     */
    void compact(long newCompactRevision) {
        Check.that(!writing, "compaction happens between write transactions");
        Check.that(newCompactRevision > compactRevision && newCompactRevision <= revision,
                "compaction to %d moves forward within (%d, %d]", newCompactRevision, compactRevision, revision);
        long oldCompactRevision = compactRevision;
        byte[] next = StoreLayout.revisionKey(oldCompactRevision, 0);
        byte[] end = StoreLayout.revisionKey(newCompactRevision + 1, 0);
        WriteBatch drops = new WriteBatch();
        HashMap<Bytes, Mutation> latestSeen = new HashMap<>();
        while (next != null) {
            int seen = 0;
            try (KvEngine.Cursor cursor = engine.scan(next, end)) {
                next = null;
                for (KvEngine.Entry e = cursor.next(); e != null; e = cursor.next()) {
                    if (++seen > COMPACTION_CHUNK) {
                        next = e.key(); // resume here once this chunk's drops are written
                        break;
                    }
                    Mutation change = StoreLayout.mutation(e.value());
                    Bytes key = change.kv().key();
                    Mutation earlier = latestSeen.put(key, change);
                    if (earlier == null) {
                        // The key's first change here: it supersedes the version that survived the last compaction.
                        dropSurvivor(change, e.value(), oldCompactRevision, drops);
                    } else if (earlier.isPut() && earlier.revision().main() < newCompactRevision) {
                        drop(earlier, drops); // superseded by this change (tombstones went when they were seen)
                    }
                    if (!change.isPut() && change.revision().main() < newCompactRevision) drop(change, drops);
                }
            }
            if (next == null || latestSeen.size() > COMPACTION_KEYS_MAX) {
                // Whatever still waits has no later change among those visited: ask the index whether the
                // rest of the range holds one (nothing when the range is done).
                for (Mutation waiting : latestSeen.values()) {
                    if (next != null && waiting.isPut() && waiting.revision().main() < newCompactRevision
                            && supersededBy(StoreLayout.keyIndexStart(waiting.kv().key()), waiting.revision(), newCompactRevision)) {
                        drop(waiting, drops);
                    }
                }
                latestSeen.clear();
            }
            engine.write(drops);
            drops.clear();
        }
        compactRevision = newCompactRevision;
        WriteBatch state = new WriteBatch();
        writeState(state);
        engine.write(state);
        checkCounters();
    }

    /**
     * Drops the version of {@code change}'s key that survived the compaction to {@code oldCompactRevision},
     * if there is one: {@code change}, the key's first change since, replaced it. The change's record
     * names it; a record loaded from a snapshot does not, and the key's index is asked instead.
     */
    private void dropSurvivor(Mutation change, byte[] record, long oldCompactRevision, WriteBatch drops) {
        long previousMain = StoreLayout.previousMain(record);
        if (previousMain == StoreLayout.PREVIOUS_UNKNOWN) {
            byte[] keyStart = StoreLayout.keyIndexStart(change.kv().key());
            KvEngine.Entry survivor = engine.last(keyStart, StoreLayout.keyIndexEntry(keyStart, oldCompactRevision, 0));
            if (survivor != null) drop(change(StoreLayout.revisionOfKeyIndexEntry(survivor.key())), drops);
        } else if (previousMain != StoreLayout.PREVIOUS_NONE && previousMain < oldCompactRevision
                && change.revision().main() > oldCompactRevision) {
            // (A change at exactly the old compact revision superseded its predecessor then: it went with that compaction.)
            Revision at = StoreLayout.previous(record);
            Bytes key = change.kv().key();
            drops.delete(StoreLayout.revisionKey(at.main(), at.sub()));
            drops.delete(StoreLayout.keyIndexEntry(StoreLayout.keyIndexStart(key), at.main(), at.sub()));
            storedBytes -= key.length() + StoreLayout.previousValueLength(record);
            changeCount--;
        }
    }

    /** Whether {@code key} (K-space start {@code keyStart}) changed after {@code at} at or below main revision {@code limit}. */
    private boolean supersededBy(byte[] keyStart, Revision at, long limit) {
        byte[] after = StoreLayout.successor(StoreLayout.keyIndexEntry(keyStart, at.main(), at.sub()));
        return engine.last(after, StoreLayout.keyIndexEntry(keyStart, limit + 1, 0)) != null;
    }

    private void drop(Mutation change, WriteBatch drops) {
        drops.delete(StoreLayout.revisionKey(change.revision().main(), change.revision().sub()));
        drops.delete(StoreLayout.keyIndexEntry(StoreLayout.keyIndexStart(change.kv().key()), change.revision().main(), change.revision().sub()));
        storedBytes -= bytesOf(change.kv());
        changeCount--;
    }

    private static long bytesOf(KeyValue kv) {
        return kv.key().length() + kv.value().length();
    }

    /**
     * The stored changes with main revision in {@code [fromRevision, toRevision]}, in order: at least
     * {@code countMin} of them when there are that many, and always whole revisions (the revision of
     * the last one returned is complete).
     */
    List<Mutation> changes(long fromRevision, long toRevision, int countMin) {
        List<Mutation> out = new ArrayList<>();
        if (fromRevision > toRevision) return out;
        try (KvEngine.Cursor cursor = engine.scan(StoreLayout.revisionKey(fromRevision, 0), StoreLayout.revisionKey(toRevision + 1, 0))) {
            for (KvEngine.Entry e = cursor.next(); e != null; e = cursor.next()) {
                Mutation change = StoreLayout.mutation(e.value());
                if (out.size() >= countMin && change.revision().main() != out.get(out.size() - 1).revision().main()) break;
                out.add(change);
            }
        }
        return out;
    }

    /**
     * The version a stored change replaced, or null when there was none or it was compacted away. The
     * change's record names it (two point reads); a record loaded from a snapshot does not, and the
     * key's index is asked instead.
     */
    KeyValue previousOf(Mutation mutation) {
        byte[] record = engine.get(StoreLayout.revisionKey(mutation.revision().main(), mutation.revision().sub()));
        if (record != null && StoreLayout.previousMain(record) != StoreLayout.PREVIOUS_UNKNOWN) {
            if (StoreLayout.previousMain(record) == StoreLayout.PREVIOUS_NONE) return null;
            Revision at = StoreLayout.previous(record);
            byte[] previous = engine.get(StoreLayout.revisionKey(at.main(), at.sub()));
            return previous == null ? null : StoreLayout.mutation(previous).liveValue();
        }
        byte[] keyStart = StoreLayout.keyIndexStart(mutation.kv().key());
        KvEngine.Entry before = engine.last(keyStart,
                StoreLayout.keyIndexEntry(keyStart, mutation.revision().main(), mutation.revision().sub()));
        return before == null ? null : change(StoreLayout.revisionOfKeyIndexEntry(before.key())).liveValue();
    }

    /** Hands {@code visit} every stored change in revision order (for the snapshot); {@code visit} must not write. */
    void forEachChange(Consumer<Mutation> visit) {
        try (KvEngine.Cursor cursor = engine.scan(StoreLayout.prefixOnly(StoreLayout.BY_REVISION), StoreLayout.after(StoreLayout.BY_REVISION))) {
            for (KvEngine.Entry e = cursor.next(); e != null; e = cursor.next()) visit.accept(StoreLayout.mutation(e.value()));
        }
    }

    /** Every stored change in revision order, as a list (for tests and small stores). */
    List<Mutation> allChanges() {
        List<Mutation> all = new ArrayList<>();
        forEachChange(all::add);
        return all;
    }

    /** Every live version in key order (for tests and small stores). */
    List<KeyValue> liveValues() {
        List<KeyValue> live = new ArrayList<>();
        try (KvEngine.Cursor cursor = engine.scan(StoreLayout.prefixOnly(StoreLayout.LIVE), StoreLayout.after(StoreLayout.LIVE))) {
            for (KvEngine.Entry e = cursor.next(); e != null; e = cursor.next()) live.add(StoreLayout.mutation(e.value()).kv());
        }
        return live;
    }

    /**
     * Replaces the whole state with a history read from a snapshot, then tells the listener.
     *
     * @param changes the retained changes in revision order
     */
    void reset(long newRevision, long newCompactRevision, long newAppliedIndex, List<Mutation> changes) {
        Check.that(!writing, "restore happens between write transactions");
        for (Mutation change : changes) {
            Check.that(change.revision().main() <= newRevision, "snapshot changes lie at or below its revision");
        }
        cache.clear();
        engine.write(new WriteBatch().deleteRange(new byte[] {0}, new byte[] {(byte) 0xff}));
        storedBytes = 0;
        liveBytes = 0;
        liveKeys = 0;
        changeCount = 0;
        WriteBatch load = new WriteBatch();
        for (Mutation change : changes) {
            KeyValue kv = change.kv();
            byte[] record = StoreLayout.record(change, StoreLayout.PREVIOUS_UNKNOWN, 0, 0);
            byte[] liveKey = StoreLayout.liveKey(kv.key());
            load.put(StoreLayout.revisionKey(change.revision().main(), change.revision().sub()), record);
            load.put(StoreLayout.keyIndexEntry(StoreLayout.keyIndexStart(kv.key()), change.revision().main(), change.revision().sub()), new byte[0]);
            if (change.isPut()) load.put(liveKey, record);
            else load.delete(liveKey);
            changeCount++;
            storedBytes += bytesOf(kv);
            if (load.bytes() >= BATCH_BYTES_MAX) {
                engine.write(load);
                load.clear();
            }
        }
        engine.write(load);
        load.clear();
        try (KvEngine.Cursor cursor = engine.scan(StoreLayout.prefixOnly(StoreLayout.LIVE), StoreLayout.after(StoreLayout.LIVE))) {
            for (KvEngine.Entry e = cursor.next(); e != null; e = cursor.next()) {
                liveKeys++;
                liveBytes += StoreLayout.payloadBytes(e.value());
            }
        }
        revision = newRevision;
        compactRevision = newCompactRevision;
        appliedIndex = newAppliedIndex;
        WriteBatch state = new WriteBatch();
        writeState(state);
        engine.write(state);
        checkCounters();
        listener.onReset();
    }
}
