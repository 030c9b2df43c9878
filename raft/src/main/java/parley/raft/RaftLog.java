package parley.raft;

import java.util.ArrayList;
import java.util.List;
import parley.core.Check;

/**
 * The node's view of its log: the entries in {@link RaftStorage} (synced or not: the storage reads
 * back every write), the commit and apply positions, and the configuration history. Every write goes
 * through here so that the {@link SyncTracker} and {@link ConfigHistory} stay in step with storage.
 *
 * <p>Invariant, checked after every change: {@code snapshotIndex <= appliedIndex <= commitIndex <= lastIndex}.
 */
final class RaftLog {
    /** Answer of {@link #termOrUnknown} for an index that is compacted or beyond the log. */
    static final long UNKNOWN_TERM = -1;

    private final RaftStorage storage;
    private final SyncTracker sync;
    private final ConfigHistory configs;
    private long commitIndex;
    private long appliedIndex;

    RaftLog(RaftStorage storage, SyncTracker sync) {
        this.storage = storage;
        this.sync = sync;
        Snapshot snapshot = storage.snapshot();
        this.configs = new ConfigHistory(snapshot.index(), snapshot.config());
        for (long i = storage.firstIndex(); i <= storage.lastIndex(); i++) {
            configs.appended(storage.entry(i));
        }
        this.commitIndex = snapshot.index();
        this.appliedIndex = snapshot.index();
        checkPositions();
    }

    long lastIndex() { return storage.lastIndex(); }
    long firstIndex() { return storage.firstIndex(); }
    long snapshotIndex() { return storage.snapshot().index(); }
    Snapshot snapshot() { return storage.snapshot(); }
    long commitIndex() { return commitIndex; }
    long appliedIndex() { return appliedIndex; }
    ClusterConfig config() { return configs.latest(); }
    long configIndex() { return configs.latestIndex(); }
    ClusterConfig configAt(long index) { return configs.at(index); }

    long lastTerm() {
        return storage.term(storage.lastIndex());
    }

    /** Term of the entry at {@code index}, which must be held (or be the snapshot's index). */
    long term(long index) {
        Check.that(index >= snapshotIndex() && index <= lastIndex(),
                "term(%d) outside [%d, %d]", index, snapshotIndex(), lastIndex());
        return storage.term(index);
    }

    /** Term at {@code index}, or {@link #UNKNOWN_TERM} when compacted away or beyond the log. */
    long termOrUnknown(long index) {
        if (index < snapshotIndex() || index > lastIndex()) return UNKNOWN_TERM;
        return storage.term(index);
    }

    LogEntry entry(long index) {
        Check.that(index >= firstIndex() && index <= lastIndex(), "entry(%d) outside [%d, %d]", index, firstIndex(), lastIndex());
        LogEntry e = storage.entry(index);
        Check.that(e.index() == index, "storage returned entry %d for index %d", e.index(), index);
        return e;
    }

    /** True when a log ending at (lastIndex, lastTerm) is at least as up to date as ours (§5.4.1). */
    boolean isUpToDate(long otherLastIndex, long otherLastTerm) {
        long ourTerm = lastTerm();
        return otherLastTerm > ourTerm || (otherLastTerm == ourTerm && otherLastIndex >= lastIndex());
    }

    /**
     * Entries from {@code from} on, at most {@code maxCount} and {@code maxBytes} (but at least one
     * entry when any exists, so that a single large entry still moves).
     */
    List<LogEntry> entries(long from, int maxCount, long maxBytes) {
        Check.that(from >= firstIndex(), "entries from %d below the first index %d", from, firstIndex());
        List<LogEntry> out = new ArrayList<>();
        long bytes = 0;
        for (long i = from; i <= lastIndex() && out.size() < maxCount; i++) {
            LogEntry e = entry(i);
            if (!out.isEmpty() && bytes + e.sizeBytes() > maxBytes) break;
            out.add(e);
            bytes += e.sizeBytes();
        }
        return out;
    }

    /** Appends entries that continue the log exactly. */
    void append(List<LogEntry> entries) {
        if (entries.isEmpty()) return;
        long expected = lastIndex() + 1;
        long lastTerm = lastTerm();
        for (LogEntry e : entries) {
            Check.that(e.index() == expected, "appending entry %d where %d was expected", e.index(), expected);
            Check.that(e.term() >= lastTerm, "entry %d term %d below the previous term %d", e.index(), e.term(), lastTerm);
            expected++;
            lastTerm = e.term();
        }
        storage.append(entries);
        sync.wroteLog();
        for (LogEntry e : entries) configs.appended(e);
        Check.that(lastIndex() == expected - 1, "storage did not append every entry");
    }

    /**
     * Merges a leader's entries that follow {@code prevIndex} (already checked to match): entries we
     * already hold with the same term are skipped, the first conflicting one truncates our suffix,
     * and the rest are appended (§5.3). Returns the last index now known to match the leader.
     */
    long appendFromLeader(long prevIndex, List<LogEntry> entries) {
        for (int i = 0; i < entries.size(); i++) {
            LogEntry e = entries.get(i);
            Check.that(e.index() == prevIndex + 1 + i, "leader entries not contiguous at %d", e.index());
            if (e.index() > lastIndex()) {
                append(entries.subList(i, entries.size()));
                break;
            }
            if (term(e.index()) != e.term()) {
                Check.that(e.index() > commitIndex, "leader conflicts with committed entry %d (commit %d)", e.index(), commitIndex);
                truncateAfter(e.index() - 1);
                append(entries.subList(i, entries.size()));
                break;
            }
        }
        long lastNew = prevIndex + entries.size();
        Check.that(lastNew <= lastIndex(), "matched beyond the log");
        return lastNew;
    }

    void truncateAfter(long index) {
        Check.that(index >= commitIndex, "truncating committed entries: after %d with commit %d", index, commitIndex);
        Check.that(index < lastIndex(), "truncating nothing: after %d with last %d", index, lastIndex());
        storage.truncateAfter(index);
        sync.wroteLog();
        sync.truncatedAfter(index);
        configs.truncateAfter(index);
        Check.that(lastIndex() == index, "storage did not truncate to %d", index);
    }

    /**
     * First index of the run of entries with {@code term} that ends at {@code index}, not going below
     * {@code floor} (entries at or below it are known to match and need no search).
     */
    long firstIndexOfTermRun(long index, long term, long floor) {
        long i = index;
        long lowest = Math.max(floor + 1, firstIndex());
        while (i > lowest && storage.term(i - 1) == term) i--;
        Check.that(i <= index && i >= 1, "conflict hint out of range");
        return i;
    }

    /**
     * The last index at or below {@code upTo} whose term is {@code term}, or 0 when none (or when the
     * answer lies in the compacted prefix). Terms never decrease along the log, so scan down while greater.
     */
    long lastIndexOfTerm(long term, long upTo) {
        long i = Math.min(upTo, lastIndex());
        long floor = snapshotIndex();
        while (i > floor && storage.term(i) > term) i--;
        if (i >= floor && i > 0 && storage.term(i) == term) return i;
        return 0;
    }

    void commitTo(long index) {
        Check.that(index > commitIndex, "commit index must grow: %d -> %d", commitIndex, index);
        Check.that(index <= lastIndex(), "committing %d beyond the last index %d", index, lastIndex());
        commitIndex = index;
    }

    void appliedTo(long index) {
        Check.that(index == appliedIndex + 1, "applying out of order: %d after %d", index, appliedIndex);
        Check.that(index <= commitIndex, "applying %d beyond commit %d", index, commitIndex);
        appliedIndex = index;
    }

    /** Saves a snapshot of the applied state and compacts the log below it. */
    void compact(Snapshot snapshot) {
        Check.that(snapshot.index() <= appliedIndex, "snapshot %d beyond applied %d", snapshot.index(), appliedIndex);
        Check.that(snapshot.index() > snapshotIndex(), "snapshot %d not newer than %d", snapshot.index(), snapshotIndex());
        Check.that(term(snapshot.index()) == snapshot.term(), "snapshot term does not match the log");
        storage.saveSnapshot(snapshot);
        sync.wroteLog();
        configs.rebase(snapshot.index(), snapshot.config());
        checkPositions();
    }

    /** Installs a leader's snapshot that is ahead of our commit index. */
    void install(Snapshot snapshot) {
        Check.that(snapshot.index() > commitIndex, "installing snapshot %d not ahead of commit %d", snapshot.index(), commitIndex);
        boolean keepsLog = termOrUnknown(snapshot.index()) == snapshot.term();
        storage.saveSnapshot(snapshot);
        sync.wroteLog();
        if (keepsLog) {
            configs.rebase(snapshot.index(), snapshot.config());
        } else {
            configs.reset(snapshot.index(), snapshot.config());
            sync.truncatedAfter(snapshot.index());
        }
        Check.that(lastIndex() >= snapshot.index(), "log ends before the installed snapshot");
        commitIndex = snapshot.index();
        appliedIndex = snapshot.index();
        checkPositions();
    }

    void checkPositions() {
        Check.that(snapshotIndex() <= appliedIndex, "snapshot %d beyond applied %d", snapshotIndex(), appliedIndex);
        Check.that(appliedIndex <= commitIndex, "applied %d beyond commit %d", appliedIndex, commitIndex);
        Check.that(commitIndex <= lastIndex(), "commit %d beyond last %d", commitIndex, lastIndex());
    }
}
