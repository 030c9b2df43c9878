package parley.raft;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import parley.core.Check;

/**
 * {@link RaftStorage} in memory, for tests and simple simulations. Writes are visible at once but
 * stay volatile: {@link #sync(long)} only queues a request, and the harness decides when it completes
 * ({@link #completeNextSync()}), after which it must call the node's {@code onSyncComplete}. A
 * {@link #crash()} rolls the state back to what the last completed sync covered. Torn writes are not
 * modelled. Each sync copies the log (O(entries)); fine for tests, not for long simulations.
 */
public final class MemoryRaftStorage implements RaftStorage {
    private record Image(HardState hardState, Snapshot snapshot, List<LogEntry> entries) {}

    private record PendingSync(long syncId, Image image) {}

    private HardState hardState = HardState.INITIAL;
    private Snapshot snapshot = Snapshot.EMPTY;
    /** Entries after the snapshot: entries.get(i) has index snapshot.index() + 1 + i. */
    private final ArrayList<LogEntry> entries = new ArrayList<>();
    private Image durable = new Image(HardState.INITIAL, Snapshot.EMPTY, List.of());
    private final ArrayDeque<PendingSync> pending = new ArrayDeque<>();

    @Override public HardState hardState() { return hardState; }

    @Override public void setHardState(HardState state) {
        Check.that(state.term() >= hardState.term(), "hard state term went back: %d -> %d", hardState.term(), state.term());
        hardState = state;
    }

    @Override public Snapshot snapshot() { return snapshot; }
    @Override public long firstIndex() { return snapshot.index() + 1; }
    @Override public long lastIndex() { return snapshot.index() + entries.size(); }

    @Override public long term(long index) {
        if (index == snapshot.index()) return snapshot.term();
        Check.that(index > snapshot.index() && index <= lastIndex(), "term(%d) outside [%d, %d]", index, snapshot.index(), lastIndex());
        return entries.get((int) (index - snapshot.index() - 1)).term();
    }

    @Override public LogEntry entry(long index) {
        Check.that(index >= firstIndex() && index <= lastIndex(), "entry(%d) outside [%d, %d]", index, firstIndex(), lastIndex());
        return entries.get((int) (index - snapshot.index() - 1));
    }

    @Override public void append(List<LogEntry> newEntries) {
        long expected = lastIndex() + 1;
        for (LogEntry e : newEntries) {
            Check.that(e.index() == expected, "storage append of %d where %d was expected", e.index(), expected);
            entries.add(e);
            expected++;
        }
    }

    @Override public void truncateAfter(long index) {
        Check.that(index >= snapshot.index(), "truncating into the snapshot");
        while (lastIndex() > index) entries.remove(entries.size() - 1);
    }

    @Override public void saveSnapshot(Snapshot s) {
        boolean keep = s.index() <= lastIndex() && s.index() >= snapshot.index() && term(s.index()) == s.term();
        List<LogEntry> kept = keep ? new ArrayList<>(entries.subList((int) (s.index() - snapshot.index()), entries.size())) : List.of();
        entries.clear();
        entries.addAll(kept);
        snapshot = s;
        Check.that(lastIndex() >= s.index(), "log ends before the snapshot");
    }

    @Override public void sync(long syncId) {
        pending.add(new PendingSync(syncId, new Image(hardState, snapshot, List.copyOf(entries))));
    }

    /** True when a sync was requested and not yet completed. */
    public boolean hasPendingSync() {
        return !pending.isEmpty();
    }

    /** Makes the oldest requested sync durable and returns its id (to hand to the node). */
    public long completeNextSync() {
        Check.that(!pending.isEmpty(), "no sync pending");
        PendingSync s = pending.pollFirst();
        durable = s.image;
        return s.syncId;
    }

    /** Loses every write not covered by a completed sync, and every pending sync. */
    public void crash() {
        pending.clear();
        hardState = durable.hardState;
        snapshot = durable.snapshot;
        entries.clear();
        entries.addAll(durable.entries);
    }

    /** The durable hard state (what a crash now would leave). */
    public HardState durableHardState() {
        return durable.hardState;
    }

    /** The durable snapshot index. */
    public long durableSnapshotIndex() {
        return durable.snapshot.index();
    }

    /** The durable term of {@code index}, or -1 when the durable state does not hold it. */
    public long durableTerm(long index) {
        Snapshot s = durable.snapshot;
        if (index == s.index()) return s.term();
        if (index < s.index() || index > s.index() + durable.entries.size()) return -1;
        return durable.entries.get((int) (index - s.index() - 1)).term();
    }
}
