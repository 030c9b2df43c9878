package parley.wal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.function.LongConsumer;
import parley.core.Check;
import parley.raft.HardState;
import parley.raft.LogEntry;
import parley.raft.RaftStorage;
import parley.raft.Snapshot;

/**
 * {@link RaftStorage} on a {@link WriteAheadLog}: every change is a record (HARD_STATE, ENTRY,
 * TRUNCATE_AFTER, SNAPSHOT_MARKER, and a CHECKPOINT opening each segment), snapshots are separate
 * files, and reads are served from memory. {@link #sync(long)} becomes a group-commit request whose
 * completion hands the id to {@code onSynced} on the node's executor.
 *
 * <p>Not thread-safe: call it from the node's thread only, and give it that thread's executor, so
 * completions (and the compaction done in them) run on the same thread.
 *
 * <p>After the log fails (a full disk), writes still change what reads return, exactly as unsynced
 * writes always do, but nothing reaches the disk any more and no sync ever completes. Raft sends no
 * vote and no acknowledgement before a sync covers it, so such a node keeps following (it learns
 * terms and leaders, and can forward requests) without ever counting towards a quorum, and what it
 * lost is recovered from its peers after a restart. Snapshots still throw {@link WalFailedException}.
 *
 * <p>Compaction: once a snapshot marker is durable, older snapshot files are deleted, and so is every
 * segment before the newest segment whose checkpoint is durable and whose log ended at or below the
 * snapshot (every entry those segments held is covered by the snapshot; the checkpoint carries the
 * hard state and snapshot position). Memory: the entries after the snapshot are all kept in memory;
 * that is bounded only by how often Raft snapshots (a later concern).
 */
public final class FileRaftStorage implements RaftStorage, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(FileRaftStorage.class.getName());

    private final Path dir;
    private final WalConfig config;
    private final Executor nodeExecutor;
    private final LongConsumer onSynced;
    private final java.io.Closeable directoryLock;
    private final LogState state = new LogState();
    /** First sequence number of each live segment to the last log index its checkpoint recorded. */
    private final SortedMap<Long, Long> checkpointLastIndexBySegment = new TreeMap<>();
    /** Snapshot markers written but not yet durable, oldest first. */
    private final ArrayDeque<PendingMarker> pendingMarkers = new ArrayDeque<>();
    /** Inline syncs queued on the node's executor and not yet run (see {@link WalConfig#inlineSync}). */
    private int inlineSyncsPending;
    private WriteAheadLog wal;
    private Snapshot snapshot = Snapshot.EMPTY;
    private SnapshotFiles.Id durableSnapshot = SnapshotFiles.Id.NONE;
    private volatile boolean closed;

    /** A snapshot whose marker becomes durable once every record before {@code seqEnd} is. */
    private record PendingMarker(long seqEnd, SnapshotFiles.Id id) {}

    /** The subdirectory of a node's data directory that holds the storage of its other groups (keyspaces, metadata). */
    public static final String GROUPS_DIRECTORY = "groups";
    /** Where a server keeps each group's key-value state engine, beside the logs (rebuilt from them at start). */
    public static final String STATE_DIRECTORY = "state";
    /** The file (and its temporary, while being written) where a node records the cluster its data directory belongs to. */
    public static final String CLUSTER_FILE = "cluster";
    /** The file a node writes (and deletes) to learn whether a full disk has room again. */
    public static final String SPACE_PROBE_FILE = "space-probe";

    private FileRaftStorage(Path dir, WalConfig config, Executor nodeExecutor, LongConsumer onSynced, java.io.Closeable directoryLock) {
        this.dir = dir;
        this.config = config;
        this.nodeExecutor = nodeExecutor;
        this.onSynced = onSynced;
        this.directoryLock = directoryLock;
    }

    /**
     * Opens (or creates) the storage in {@code dir} and recovers its state.
     *
     * @param nodeExecutor the node's event loop: sync completions run there, in order
     * @param onSynced     receives each sync id once the writes before it are durable (call
     *                     {@code RaftNode.onSyncComplete} from it)
     * @throws WalCorruptionException when the log or the snapshot it names is damaged
     * @throws IOException            when the directory is unusable (not a directory, not writable,
     *                                holds unknown files, locked by another storage)
     */
    public static FileRaftStorage open(Path dir, WalConfig config, Executor nodeExecutor, LongConsumer onSynced) throws IOException {
        config.fileSystem().prepareDirectory(dir);
        java.io.Closeable lock = config.fileSystem().lockDirectory(dir);
        FileRaftStorage storage = new FileRaftStorage(dir, config, nodeExecutor, onSynced, lock);
        try {
            storage.recover();
            return storage;
        } catch (IOException | RuntimeException e) {
            storage.close();
            throw e;
        }
    }

    private void recover() throws IOException {
        checkKnownFiles();
        refuseSnapshotsWithoutALog();
        LogReplay replay = new LogReplay(state, checkpointLastIndexBySegment);
        RecordVisitor visitor = new RecordVisitor() {
            @Override
            public void visit(RecoveredRecord record) throws WalCorruptionException {
                replay.visit(record);
            }

            @Override
            public void endOfLog() throws IOException {
                replay.endOfLog();
                if (state.snapshotIndex > 0) {
                    snapshot = SnapshotFiles.read(dir, new SnapshotFiles.Id(state.snapshotIndex, state.snapshotTerm), config);
                }
            }
        };
        wal = WriteAheadLog.open(dir, config, nodeExecutor, visitor, this::preamble);
        durableSnapshot = new SnapshotFiles.Id(snapshot.index(), snapshot.term());
        for (Path deleted : SnapshotFiles.deleteAllExcept(dir, Set.of(durableSnapshot), config.fileSystem())) {
            SnapshotFiles.Id id = SnapshotFiles.parse(deleted.getFileName().toString());
            String why = id == null ? "a snapshot save interrupted before it was complete"
                    : id.index() < durableSnapshot.index() ? "older than the snapshot the log names (index " + durableSnapshot.index() + ")"
                    : "a snapshot save the log never recorded as complete (the log names index " + durableSnapshot.index() + ")";
            LOG.log(System.Logger.Level.INFO, "deleted {0}: {1}", deleted, why);
        }
        compact(wal.durableSeq());
    }

    /** Whether {@code dir} holds at least one log segment. */
    public static boolean holdsLog(Path dir) throws IOException {
        try (var names = java.nio.file.Files.list(dir)) {
            return names.anyMatch(p -> DataDirectory.segmentFirstSeq(p.getFileName().toString()) >= 0);
        }
    }

    /**
     * Snapshot files but no log segment: the log was lost (deleted by hand, a bad restore), and with it
     * everything this node knew beyond those snapshots, its vote among them. Starting as a new, empty
     * member would delete the snapshots as stale and could let the node vote with state it lost; so
     * recovery stops here, deleting nothing, and says what it found.
     */
    private void refuseSnapshotsWithoutALog() throws IOException {
        List<String> snapshots = new java.util.ArrayList<>();
        boolean segments = false;
        for (String name : config.fileSystem().list(dir)) {
            if (DataDirectory.segmentFirstSeq(name) >= 0) segments = true;
            if (SnapshotFiles.parse(name) != null) snapshots.add(name);
        }
        if (segments || snapshots.isEmpty()) return;
        java.util.Collections.sort(snapshots);
        throw new IOException("data directory " + dir + " holds " + String.join(", ", snapshots) + " but no write-ahead log"
                + " (wal-*.log): the log was lost, and with it this node's state since that snapshot and its votes."
                + " Nothing was deleted. To bring the node back, move the data directory aside and start it with an empty"
                + " one: it rejoins and catches up from the other members");
    }

    private void checkKnownFiles() throws IOException {
        for (String name : config.fileSystem().list(dir)) {
            if (name.equals(GROUPS_DIRECTORY) || name.equals(STATE_DIRECTORY)) continue; // other groups' storage and the state engines
            boolean known = DataDirectory.segmentFirstSeq(name) >= 0 || SnapshotFiles.parse(name) != null
                    || SnapshotFiles.isTemp(name) || name.equals(DirectoryLock.FILE_NAME)
                    || name.equals(CLUSTER_FILE) || name.equals(CLUSTER_FILE + ".tmp") || name.equals(SPACE_PROBE_FILE);
            if (!known || !config.fileSystem().isRegularFile(dir.resolve(name))) {
                throw new IOException("data directory " + dir + " holds an unexpected entry " + dir.resolve(name)
                        + "; it may hold only wal-<seq>.log, snap-<index>-<term>.snap, " + DirectoryLock.FILE_NAME
                        + ", " + CLUSTER_FILE + " and the directories " + GROUPS_DIRECTORY + " and " + STATE_DIRECTORY);
            }
        }
    }

    /** The checkpoint that opens a new segment: the log as it is before the batch that caused the roll. */
    private List<WalRecord> preamble(long firstSeq) {
        checkpointLastIndexBySegment.put(firstSeq, state.lastIndex());
        return List.of(RaftRecords.checkpoint(state.checkpoint()));
    }

    @Override
    public HardState hardState() {
        return state.hardState;
    }

    @Override
    public void setHardState(HardState hardState) {
        Check.that(hardState.term() >= state.hardState.term(), "hard state term went back: %d -> %d", state.hardState.term(), hardState.term());
        write(List.of(RaftRecords.hardState(hardState)));
        state.hardState = hardState;
    }

    @Override
    public Snapshot snapshot() {
        return snapshot;
    }

    @Override
    public long firstIndex() {
        return state.snapshotIndex + 1;
    }

    @Override
    public long lastIndex() {
        return state.lastIndex();
    }

    @Override
    public long term(long index) {
        return state.term(index);
    }

    @Override
    public LogEntry entry(long index) {
        return state.entry(index);
    }

    @Override
    public void append(List<LogEntry> entries) {
        if (entries.isEmpty()) return;
        List<WalRecord> records = new ArrayList<>(entries.size());
        long expected = state.lastIndex() + 1;
        for (LogEntry entry : entries) {
            Check.that(entry.index() == expected, "storage append of %d where %d was expected", entry.index(), expected);
            records.add(RaftRecords.entry(entry));
            expected++;
        }
        write(records);
        for (LogEntry entry : entries) state.append(entry);
    }

    @Override
    public void truncateAfter(long index) {
        Check.that(index >= state.snapshotIndex, "truncateAfter(%d) below the snapshot %d", index, state.snapshotIndex);
        if (index >= state.lastIndex()) return;
        write(List.of(RaftRecords.truncateAfter(index)));
        state.truncateAfter(index);
    }

    /**
     * Writes the snapshot file durably (on the calling thread: a large snapshot blocks it for the
     * write and two fsyncs), then appends its marker, which is volatile until the next sync. Once the
     * log has failed (or fails writing the file), the snapshot changes memory only, like every write.
     */
    @Override
    public void saveSnapshot(Snapshot newSnapshot) {
        Check.that(newSnapshot.index() >= 1 && newSnapshot.term() >= 1, "snapshot at index %d term %d", newSnapshot.index(), newSnapshot.term());
        ensureOpen();
        boolean keepsLog = state.continuesThrough(newSnapshot.index(), newSnapshot.term());
        if (wal.failure() == null) {
            try {
                SnapshotFiles.write(dir, newSnapshot, config);
            } catch (IOException e) {
                // A full or failing disk: the log fails (the node stops acknowledging) and, like every
                // write after a failure, this snapshot changes memory only. Throwing would abort the
                // Raft event that took it halfway (found by the simulator's disk-failure fault).
                wal.fail("writing snapshot file " + dir.resolve(new SnapshotFiles.Id(newSnapshot.index(), newSnapshot.term()).fileName()), e);
            }
        }
        boolean durable = wal.failure() == null;
        long seqEnd = write(List.of(RaftRecords.marker(new RaftRecords.Marker(newSnapshot.index(), newSnapshot.term(), keepsLog))));
        state.applySnapshot(newSnapshot.index(), newSnapshot.term(), keepsLog);
        snapshot = newSnapshot;
        if (durable) pendingMarkers.addLast(new PendingMarker(seqEnd, new SnapshotFiles.Id(newSnapshot.index(), newSnapshot.term())));
    }

    @Override
    public void sync(long syncId) {
        ensureOpen();
        if (wal.failure() != null) return; // never completes: nothing can become durable
        long seqEnd = wal.nextSeq();
        if (config.inlineSync() && (inlineSyncsPending > 0 || wal.syncerIdle())) {
            // A task of its own, so what this event sends (a leader's appends) leaves first; later syncs
            // follow it inline until it ran, which keeps completions in request order.
            inlineSyncsPending++;
            nodeExecutor.execute(() -> {
                inlineSyncsPending--;
                if (closed || wal.failure() != null) return;
                try {
                    wal.syncInline();
                } catch (WalFailedException failed) {
                    return; // never completes, like every later sync
                }
                onDurable(syncId, seqEnd);
            });
            return;
        }
        try {
            wal.requestSync(() -> onDurable(syncId, seqEnd));
        } catch (WalFailedException failed) {
            // The log failed just now; this sync, like every later one, never completes.
        }
    }

    /** Runs on the node's executor once every record before {@code seqEnd} is durable. */
    private void onDurable(long syncId, long seqEnd) {
        if (closed) return;
        compact(seqEnd);
        onSynced.accept(syncId);
    }

    /** Deletes what durable snapshots have made unnecessary; failures here lose nothing, so they are logged. */
    private void compact(long durableSeqEnd) {
        boolean snapshotAdvanced = false;
        while (!pendingMarkers.isEmpty() && pendingMarkers.peekFirst().seqEnd() <= durableSeqEnd) {
            durableSnapshot = pendingMarkers.pollFirst().id();
            snapshotAdvanced = true;
        }
        try {
            if (snapshotAdvanced) {
                Set<SnapshotFiles.Id> keep = new HashSet<>();
                keep.add(durableSnapshot);
                for (PendingMarker marker : pendingMarkers) keep.add(marker.id());
                SnapshotFiles.deleteAllExcept(dir, keep, config.fileSystem());
            }
            long firstKept = oldestSegmentNeeded(durableSeqEnd);
            if (firstKept > checkpointLastIndexBySegment.firstKey()) {
                int deleted = wal.deleteSegmentsBefore(firstKept);
                checkpointLastIndexBySegment.headMap(firstKept).clear();
                LOG.log(System.Logger.Level.DEBUG, "{0}: compaction deleted {1} segments before record {2}", dir, deleted, firstKept);
            }
        } catch (IOException | WalFailedException e) {
            LOG.log(System.Logger.Level.WARNING, "compaction of " + dir + " failed (nothing is lost; it is retried after the next sync)", e);
        }
    }

    /**
     * The newest segment from which recovery can start: its checkpoint is durable and every entry
     * before its checkpoint's last index is covered by the durable snapshot.
     */
    private long oldestSegmentNeeded(long durableSeqEnd) {
        long oldest = checkpointLastIndexBySegment.firstKey();
        for (Map.Entry<Long, Long> segment : checkpointLastIndexBySegment.headMap(durableSeqEnd).entrySet()) {
            if (segment.getValue() <= durableSnapshot.index()) oldest = segment.getKey();
        }
        return oldest;
    }

    /** Counters of the underlying log (fsync count and latency, bytes, records). */
    /** See {@link WriteAheadLog#activeSegmentDataBytes()} (tests). */
    long activeSegmentDataBytes() {
        return wal.activeSegmentDataBytes();
    }

    public WalStats stats() {
        return wal.stats();
    }

    /** What recovery found when this storage was opened. */
    public RecoveryReport recoveryReport() {
        return wal.recoveryReport();
    }

    /** The failure that stopped the log, or null while it works. */
    public WalFailedException failure() {
        return wal.failure();
    }

    /** The storage's directory. */
    public Path directory() {
        return dir;
    }

    /** First sequence numbers of the live segments (for tests and status pages). */
    public List<Long> segmentFirstSeqs() {
        return wal.segmentFirstSeqs();
    }

    /**
     * Stops the log and releases the directory. Does not sync (see {@link WriteAheadLog#close()});
     * completions not yet delivered are dropped.
     */
    @Override
    public void close() {
        closed = true;
        if (wal != null) wal.close();
        try {
            directoryLock.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "releasing the lock of " + dir + " failed", e);
        }
    }

    /** Appends to the log; once it has failed, only memory changes (see the class comment). */
    private long write(List<WalRecord> records) {
        ensureOpen();
        if (wal.failure() != null) return wal.nextSeq();
        try {
            return wal.append(records);
        } catch (WalFailedException failed) {
            return wal.nextSeq();
        }
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("storage " + dir + " is closed");
    }
}
