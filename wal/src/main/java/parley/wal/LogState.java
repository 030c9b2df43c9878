package parley.wal;

import java.util.ArrayList;
import java.util.List;
import parley.core.Check;
import parley.raft.HardState;
import parley.raft.LogEntry;

/**
 * The in-memory Raft log of {@link FileRaftStorage}: hard state, snapshot position and the entries
 * after it. Recovery and live writes go through the same operations, so replay rebuilds exactly the
 * state the writes produced.
 *
 * <p>{@code baseIndex} is the index before the first entry held. It equals the snapshot index except
 * while recovering from a log whose oldest segments were deleted: the first segment's checkpoint then
 * says the log reached {@code lastIndex} but the entries up to it are not in the remaining segments;
 * compaction only deletes segments when a durable snapshot covers them, so a later snapshot marker
 * brings {@code baseIndex} back to the snapshot index before recovery ends (checked).
 */
final class LogState {
    HardState hardState = HardState.INITIAL;
    long snapshotIndex;
    long snapshotTerm;
    long baseIndex;
    /** entries.get(i) has index baseIndex + 1 + i. */
    final ArrayList<LogEntry> entries = new ArrayList<>();

    long lastIndex() {
        return baseIndex + entries.size();
    }

    long term(long index) {
        if (index == snapshotIndex) return snapshotTerm;
        Check.that(index > baseIndex && index <= lastIndex(), "term(%d) outside [%d, %d]", index, snapshotIndex, lastIndex());
        return entries.get((int) (index - baseIndex - 1)).term();
    }

    LogEntry entry(long index) {
        Check.that(index > baseIndex && index <= lastIndex(), "entry(%d) outside [%d, %d]", index, baseIndex + 1, lastIndex());
        return entries.get((int) (index - baseIndex - 1));
    }

    void append(LogEntry entry) {
        Check.that(entry.index() == lastIndex() + 1, "append of entry %d where %d was expected", entry.index(), lastIndex() + 1);
        entries.add(entry);
    }

    void truncateAfter(long index) {
        Check.that(index >= snapshotIndex, "truncateAfter(%d) below the snapshot %d", index, snapshotIndex);
        if (index < baseIndex) {
            entries.clear();
            baseIndex = index;
            return;
        }
        while (lastIndex() > index) entries.remove(entries.size() - 1);
    }

    /** Whether the log holds the entry at {@code index} with {@code term}, so entries after it stay valid. */
    boolean continuesThrough(long index, long term) {
        if (index < snapshotIndex || index > lastIndex()) return false;
        if (index > snapshotIndex && index <= baseIndex) return false;
        return term(index) == term;
    }

    /** Installs a snapshot position, keeping the entries after it when {@code keepsLog}. */
    void applySnapshot(long index, long term, boolean keepsLog) {
        if (!keepsLog) {
            entries.clear();
            baseIndex = index;
        } else if (index >= baseIndex) {
            entries.subList(0, (int) (index - baseIndex)).clear();
            baseIndex = index;
        }
        snapshotIndex = index;
        snapshotTerm = term;
    }

    /** Starts from a checkpoint: the entries up to its last index are unknown (in deleted segments). */
    void adopt(RaftRecords.Checkpoint checkpoint) {
        hardState = checkpoint.hardState();
        snapshotIndex = checkpoint.snapshotIndex();
        snapshotTerm = checkpoint.snapshotTerm();
        baseIndex = checkpoint.lastIndex();
        entries.clear();
    }

    RaftRecords.Checkpoint checkpoint() {
        return new RaftRecords.Checkpoint(hardState, snapshotIndex, snapshotTerm, lastIndex());
    }

    /** Entries after the snapshot (for tests and debugging). */
    List<LogEntry> entries() {
        return List.copyOf(entries);
    }
}
