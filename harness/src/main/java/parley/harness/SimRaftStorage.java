package parley.harness;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import parley.core.Check;
import parley.raft.ClusterConfig;
import parley.raft.HardState;
import parley.raft.LogEntry;
import parley.raft.RaftStorage;
import parley.raft.Snapshot;
import parley.sim.SimDisk;

/**
 * {@link RaftStorage} on a simulated disk, kept the way a write-ahead log keeps it: every change is a
 * journal record (hard state, entry, truncation, snapshot), and recovery replays the journal. The
 * disk checksums each record, so a torn tail is dropped and a corrupted record stops the node
 * (recovery throws {@link parley.sim.DiskCorruptionException}) instead of being served.
 *
 * <p>The in-memory view answers reads; the journal is rewritten compactly (hard state, snapshot,
 * remaining entries) when it grows to several times the live state, as a real log rolls segments.
 */
public final class SimRaftStorage implements TrackedStorage {
    private static final byte HARD_STATE = 1;
    private static final byte ENTRY = 2;
    private static final byte TRUNCATE_AFTER = 3;
    private static final byte SNAPSHOT = 4;
    /** Rewrite the journal once it holds this many times more records than the live state needs. */
    private static final int JOURNAL_SLACK_FACTOR = 4;
    private static final int JOURNAL_MIN_RECORDS = 256;

    private final SimDisk disk;
    private HardState hardState = HardState.INITIAL;
    private Snapshot snapshot = Snapshot.EMPTY;
    /** Entries after the snapshot: entries.get(i) has index snapshot.index() + 1 + i. */
    private final ArrayList<LogEntry> entries = new ArrayList<>();
    private long journalRecords;

    // What is known durable, tracked apart from Raft's own bookkeeping so the harness can check
    // Raft's durability order independently ("nothing is acknowledged before it is durable").
    private DurableState durable;

    private SimRaftStorage(SimDisk disk) {
        this.disk = disk;
    }

    /** Rebuilds the storage from what survived on {@code disk}. */
    public static SimRaftStorage recover(SimDisk disk) {
        SimRaftStorage storage = new SimRaftStorage(disk);
        List<byte[]> records = disk.recover();
        for (byte[] record : records) {
            storage.replay(record);
        }
        storage.journalRecords = records.size();
        // Whatever survived on the platter is durable by definition.
        storage.durable = new DurableState(storage.hardState, storage.lastIndex());
        return storage;
    }

    private void replay(byte[] record) {
        ByteBuffer in = ByteBuffer.wrap(record);
        byte type = in.get();
        switch (type) {
            case HARD_STATE -> hardState = new HardState(in.getLong(), in.getLong(), in.get() == 1);
            case ENTRY -> {
                LogEntry entry = decodeEntry(in);
                // A journal may hold an entry that a later truncation removed; replaying in order
                // reproduces exactly the log the node had.
                Check.that(entry.index() == lastIndex() + 1, "journal replay: entry %d follows last %d", entry.index(), lastIndex());
                entries.add(entry);
            }
            case TRUNCATE_AFTER -> dropAfter(in.getLong());
            case SNAPSHOT -> applySnapshot(decodeSnapshot(in));
            default -> throw new IllegalStateException("journal replay: unknown record type " + type);
        }
    }

    @Override public HardState hardState() { return hardState; }

    @Override
    public void setHardState(HardState state) {
        hardState = state;
        write(ByteBuffer.allocate(18).put(HARD_STATE).putLong(state.term()).putLong(state.votedFor())
                .put((byte) (state.catchingUp() ? 1 : 0)).array());
    }

    @Override public Snapshot snapshot() { return snapshot; }

    @Override public long firstIndex() { return snapshot.index() + 1; }

    @Override public long lastIndex() { return snapshot.index() + entries.size(); }

    @Override
    public long term(long index) {
        if (index == snapshot.index()) return snapshot.term();
        Check.that(index > snapshot.index() && index <= lastIndex(), "term(%d) outside [%d, %d]", index, snapshot.index(), lastIndex());
        return entries.get((int) (index - snapshot.index() - 1)).term();
    }

    @Override
    public LogEntry entry(long index) {
        Check.that(index >= firstIndex() && index <= lastIndex(), "entry(%d) outside [%d, %d]", index, firstIndex(), lastIndex());
        return entries.get((int) (index - snapshot.index() - 1));
    }

    @Override
    public void append(List<LogEntry> newEntries) {
        for (LogEntry entry : newEntries) {
            Check.that(entry.index() == lastIndex() + 1, "append: entry %d must follow last %d", entry.index(), lastIndex());
            entries.add(entry);
            write(encodeEntry(entry));
        }
    }

    @Override
    public void truncateAfter(long index) {
        Check.that(index >= snapshot.index(), "truncateAfter(%d) below the snapshot %d", index, snapshot.index());
        if (index >= lastIndex()) return;
        dropAfter(index);
        forgetDurabilityAfter(index);
        write(ByteBuffer.allocate(9).put(TRUNCATE_AFTER).putLong(index).array());
    }

    @Override
    public void saveSnapshot(Snapshot newSnapshot) {
        // Entries up to the snapshot stay durable on disk until the snapshot itself is: either way
        // they are covered (Raft only installs snapshots of the committed prefix). Entries after it
        // are gone unless the log continues through the snapshot.
        if (!logContinuesAfter(newSnapshot)) forgetDurabilityAfter(newSnapshot.index());
        applySnapshot(newSnapshot);
        write(encodeSnapshot(newSnapshot));
        maybeRewriteJournal();
    }

    @Override
    public void sync(long syncId) {
        durable.syncRequested(syncId, hardState, lastIndex());
        disk.sync(syncId);
    }

    /** The runtime reports that sync {@code syncId} completed (before telling Raft). */
    void markSynced(long syncId) {
        durable.synced(syncId);
    }

    /** What this storage's completed syncs vouch for. */
    @Override
    public DurableState durable() {
        return durable;
    }

    private void forgetDurabilityAfter(long index) {
        durable.forgetAfter(index);
    }

    private void dropAfter(long index) {
        int keep = (int) Math.max(0, index - snapshot.index());
        while (entries.size() > keep) entries.remove(entries.size() - 1);
    }

    /** Whether the log already holds the snapshot's last entry, so the entries after it stay valid. */
    private boolean logContinuesAfter(Snapshot newSnapshot) {
        return newSnapshot.index() >= snapshot.index() && newSnapshot.index() <= lastIndex()
                && term(newSnapshot.index()) == newSnapshot.term();
    }

    private void applySnapshot(Snapshot newSnapshot) {
        if (logContinuesAfter(newSnapshot)) {
            entries.subList(0, (int) (newSnapshot.index() - snapshot.index())).clear();
        } else {
            entries.clear();
        }
        snapshot = newSnapshot;
    }

    private void write(byte[] record) {
        disk.append(record);
        journalRecords++;
    }

    /** Compaction: one atomic rewrite with only what recovery needs (durable after the next sync). */
    private void maybeRewriteJournal() {
        long live = entries.size() + 2;
        if (journalRecords < JOURNAL_MIN_RECORDS || journalRecords < JOURNAL_SLACK_FACTOR * live) return;
        List<byte[]> records = new ArrayList<>((int) live);
        records.add(ByteBuffer.allocate(18).put(HARD_STATE).putLong(hardState.term()).putLong(hardState.votedFor())
                .put((byte) (hardState.catchingUp() ? 1 : 0)).array());
        records.add(encodeSnapshot(snapshot));
        for (LogEntry entry : entries) records.add(encodeEntry(entry));
        disk.replace(records);
        journalRecords = records.size();
    }

    private static byte[] encodeEntry(LogEntry entry) {
        return ByteBuffer.allocate(1 + 8 + 8 + 1 + 4 + entry.data().length)
                .put(ENTRY).putLong(entry.term()).putLong(entry.index()).put((byte) entry.kind().ordinal())
                .putInt(entry.data().length).put(entry.data()).array();
    }

    private static LogEntry decodeEntry(ByteBuffer in) {
        long term = in.getLong();
        long index = in.getLong();
        LogEntry.Kind kind = LogEntry.Kind.values()[in.get()];
        byte[] data = new byte[in.getInt()];
        in.get(data);
        return new LogEntry(term, index, kind, data);
    }

    private static byte[] encodeSnapshot(Snapshot s) {
        ClusterConfig c = s.config();
        int members = c.voters().size() + c.votersOutgoing().size() + c.learners().size();
        ByteBuffer out = ByteBuffer.allocate(1 + 16 + 12 + 8 * members + 4 + s.data().length).put(SNAPSHOT)
                .putLong(s.index()).putLong(s.term());
        for (Set<Long> ids : List.of(c.voters(), c.votersOutgoing(), c.learners())) {
            out.putInt(ids.size());
            for (long id : new TreeSet<>(ids)) out.putLong(id);
        }
        return out.putInt(s.data().length).put(s.data()).array();
    }

    private static Snapshot decodeSnapshot(ByteBuffer in) {
        long index = in.getLong();
        long term = in.getLong();
        List<Set<Long>> sets = new ArrayList<>(3);
        for (int i = 0; i < 3; i++) {
            Set<Long> ids = new TreeSet<>();
            for (int n = in.getInt(); n > 0; n--) ids.add(in.getLong());
            sets.add(ids);
        }
        byte[] data = new byte[in.getInt()];
        in.get(data);
        return new Snapshot(index, term, new ClusterConfig(sets.get(0), sets.get(1), sets.get(2)), data);
    }
}
