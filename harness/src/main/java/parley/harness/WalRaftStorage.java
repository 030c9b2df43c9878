package parley.harness;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import parley.raft.HardState;
import parley.raft.LogEntry;
import parley.raft.Snapshot;
import parley.sim.DiskCorruptionException;
import parley.sim.SimDisk;
import parley.simfs.SimFileSystem;
import parley.wal.FileRaftStorage;
import parley.wal.WalConfig;
import parley.wal.WalCorruptionException;

/**
 * The server's own storage ({@link FileRaftStorage}: the segmented write-ahead log, its recovery and
 * its snapshot files) on the node's {@link SimFileSystem}, inside the simulator. The log runs single
 * threaded: each sync is a task that the node's {@link SimDisk} completes after its simulated fsync
 * latency (so slow disks and late syncs apply), and runs as an event of this incarnation only.
 */
final class WalRaftStorage implements TrackedStorage {
    /** Small segments, so rolls, deletions and directory fsyncs happen within a run. */
    private static final long SEGMENT_BYTES = 16 << 10;

    private final FileRaftStorage log;
    private final SimDisk disk;
    private final Map<Long, Runnable> syncTasks = new HashMap<>();
    private final DurableState durable;
    private final java.util.function.LongSupplier syncTaskIds;
    private final Path dir;
    private final SimFileSystem fs;

    private WalRaftStorage(Path dir, SimFileSystem fs, SimDisk disk, java.util.function.IntSupplier salts, long zeroFillBytes,
                           java.util.function.LongSupplier syncTaskIds, LongConsumer onSynced) throws IOException {
        this.disk = disk;
        this.dir = dir;
        this.fs = fs;
        this.syncTaskIds = syncTaskIds;
        WalConfig config = WalConfig.DEFAULT.withFileSystem(fs).withSegmentBytesMax(SEGMENT_BYTES).withZeroFillBytes(zeroFillBytes)
                .singleThreaded(salts);
        this.log = FileRaftStorage.open(dir, config, this::schedule, syncId -> {
            durableState().synced(syncId);
            onSynced.accept(syncId);
        });
        this.durable = new DurableState(log.hardState(), log.lastIndex());
    }

    /** For the completion callback, which the constructor hands out before {@code durable} is assigned. */
    private DurableState durableState() {
        return durable;
    }

    /**
     * Recovers the log in {@code dir}; a log that fails its checksums is reported as the simulator's
     * disk corruption, which keeps the node down rather than running it on bad data.
     */
    static WalRaftStorage recover(Path dir, SimFileSystem fs, SimDisk disk, java.util.function.IntSupplier salts, long zeroFillBytes,
                                  java.util.function.LongSupplier syncTaskIds, LongConsumer onSynced) {
        try {
            return new WalRaftStorage(dir, fs, disk, salts, zeroFillBytes, syncTaskIds, onSynced);
        } catch (WalCorruptionException e) {
            throw new DiskCorruptionException(-1, e.getMessage());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("opening the simulated log " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The log hands a sync to the node's executor: complete it after the disk's fsync latency. */
    private void schedule(Runnable task) {
        long id = syncTaskIds.getAsLong(); // unique on the node's disk, which every group's log shares
        syncTasks.put(id, task);
        disk.sync(id);
    }

    /** The world reports that simulated fsync {@code id} completed: run the log's task. */
    boolean onDiskSyncComplete(long id) {
        Runnable task = syncTasks.remove(id);
        if (task == null) return false;
        task.run();
        return true;
    }

    /** Closes the log and deletes its files (its group was destroyed); syncs still pending are forgotten. */
    void deleteFiles() {
        syncTasks.clear();
        log.close();
        try {
            for (String name : fs.list(dir)) fs.delete(dir.resolve(name));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("deleting the simulated log " + dir, e);
        }
    }

    /** Closes the log, keeping its files (its group is about to be reopened from them); syncs still pending are forgotten. */
    void close() {
        syncTasks.clear();
        log.close();
    }

    /** Why the log failed (a full disk, a failed fsync), or null. */
    String failure() {
        return log.failure() == null ? null : log.failure().getMessage();
    }

    /** Whether the log failed because a write found the disk full (which reopening heals once there is room). */
    boolean failedForSpace() {
        return log.failure() != null && log.failure().noSpace();
    }

    @Override public DurableState durable() { return durable; }
    @Override public HardState hardState() { return log.hardState(); }
    @Override public void setHardState(HardState state) { log.setHardState(state); }
    @Override public Snapshot snapshot() { return log.snapshot(); }
    @Override public long firstIndex() { return log.firstIndex(); }
    @Override public long lastIndex() { return log.lastIndex(); }
    @Override public long term(long index) { return log.term(index); }
    @Override public LogEntry entry(long index) { return log.entry(index); }
    @Override public void append(List<LogEntry> entries) { log.append(entries); }

    @Override
    public void truncateAfter(long index) {
        if (index < log.lastIndex()) durable.forgetAfter(index);
        log.truncateAfter(index);
    }

    @Override
    public void saveSnapshot(Snapshot snapshot) {
        boolean continues = snapshot.index() >= log.snapshot().index() && snapshot.index() <= log.lastIndex()
                && log.term(snapshot.index()) == snapshot.term();
        if (!continues) durable.forgetAfter(snapshot.index());
        log.saveSnapshot(snapshot);
    }

    @Override
    public void sync(long syncId) {
        durable.syncRequested(syncId, log.hardState(), log.lastIndex());
        log.sync(syncId);
    }
}
