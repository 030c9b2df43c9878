package parley.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static parley.wal.RaftStorageContract.entries;
import static parley.wal.RaftStorageContract.snapshot;
import static parley.wal.StorageAssertions.assertSameState;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import parley.raft.HardState;
import parley.raft.MemoryRaftStorage;

class FileRaftStorageTest {
    @TempDir
    Path dir;

    private final NodeLoop loop = new NodeLoop();
    private final FaultyChannels channels = FaultyChannels.fast();
    // Crashes are modelled by cutting files at their synced length, so segments grow with each append here;
    // zero-filled segments have tests of their own (ZeroFilledSegmentTest).
    private final WalConfig config = WalConfig.DEFAULT.withChannelFactory(channels).withZeroFillBytes(0);
    private final List<FileRaftStorage> opened = new ArrayList<>();
    private long nextSyncId = 1;

    private FileRaftStorage open(WalConfig config) throws IOException {
        FileRaftStorage storage = FileRaftStorage.open(dir, config, loop, loop::onSynced);
        opened.add(storage);
        return storage;
    }

    private void syncAndWait(FileRaftStorage storage) throws InterruptedException {
        long id = nextSyncId++;
        storage.sync(id);
        loop.runUntil(() -> loop.synced.contains(id));
    }

    private static void syncMemory(MemoryRaftStorage memory) {
        memory.sync(0);
        memory.completeNextSync();
    }

    private List<Path> files(String prefix) throws IOException {
        try (var list = Files.list(dir)) {
            return list.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
        }
    }

    @AfterEach
    void closeAll() {
        opened.forEach(FileRaftStorage::close);
    }

    /**
     * Inline syncs (the server's mode): a sync runs as a task of its own on the node's executor while
     * the syncer is idle, completions keep their order even when syncs mix with the syncer's, the data
     * survives a reopen, and a failing fsync completes nothing.
     */
    @Test
    void inlineSyncsCompleteInOrderOnTheNodeExecutorAndAreDurable() throws Exception {
        FileRaftStorage storage = open(config.withInlineSync(true));
        storage.append(entries(1, 1, 3));
        storage.sync(1);
        storage.append(entries(1, 4, 5));
        storage.sync(2);
        assertTrue(loop.synced.isEmpty(), "nothing is synced inside sync() itself");
        loop.runUntil(() -> loop.synced.size() == 2);
        assertEquals(List.of(1L, 2L), loop.synced);
        for (long id = 3; id < 40; id++) {
            storage.append(entries(1, 2 * id, 2 * id + 1));
            storage.sync(id);
            if (id % 3 == 0) loop.drain(1); // let some run while others queue
        }
        loop.runUntil(() -> loop.synced.size() == 39);
        List<Long> expected = new ArrayList<>();
        for (long id = 1; id < 40; id++) expected.add(id);
        assertEquals(expected, loop.synced, "in request order");
        assertTrue(storage.stats().fsyncCount() >= 1);
        storage.close();
        FileRaftStorage reopened = open(config.withInlineSync(true));
        assertEquals(79, reopened.lastIndex(), "every synced entry is on disk");
        reopened.append(entries(1, 80, 80));
        channels.failForce = true;
        reopened.sync(99);
        assertTrue(loop.drain(50) > 0, "the inline sync ran");
        assertTrue(reopened.failure() != null, "the failed fsync failed the log");
        assertFalse(loop.synced.contains(99L), "and completed nothing");
    }

    @Test
    void syncIdsArriveOnTheNodeExecutorInOrder() throws Exception {
        FileRaftStorage storage = open(config);
        storage.append(entries(1, 1, 3));
        storage.sync(7);
        storage.setHardState(new HardState(1, 1));
        storage.sync(8);
        storage.sync(9);
        assertTrue(loop.synced.isEmpty(), "completions run only on the node's executor");
        loop.runUntil(() -> loop.synced.size() == 3);
        assertEquals(List.of(7L, 8L, 9L), loop.synced);
    }

    @Test
    void compactionDeletesSegmentsAndSnapshotsADurableSnapshotCovers() throws Exception {
        WalConfig small = config.withSegmentBytesMax(4096);
        MemoryRaftStorage memory = new MemoryRaftStorage();
        FileRaftStorage storage = open(small);
        for (long index = 1; index <= 900; index += 10) {
            storage.append(entries(2, index, index + 9));
            memory.append(entries(2, index, index + 9));
            storage.setHardState(new HardState(2 + index / 100, 1));
            memory.setHardState(new HardState(2 + index / 100, 1));
        }
        syncAndWait(storage);
        int segmentsBefore = storage.segmentFirstSeqs().size();
        assertTrue(segmentsBefore >= 5, "segments: " + segmentsBefore);

        storage.saveSnapshot(snapshot(600, 2));
        memory.saveSnapshot(snapshot(600, 2));
        assertEquals(segmentsBefore, storage.segmentFirstSeqs().size(), "nothing is deleted before the snapshot is durable");
        syncAndWait(storage);
        int segmentsAfterFirst = storage.segmentFirstSeqs().size();
        assertTrue(segmentsAfterFirst < segmentsBefore, segmentsAfterFirst + " < " + segmentsBefore);

        storage.saveSnapshot(snapshot(900, 2));
        memory.saveSnapshot(snapshot(900, 2));
        storage.append(entries(3, 901, 905));
        memory.append(entries(3, 901, 905));
        assertEquals(2, files("snap-").size(), "the older snapshot stays until the newer one is durable");
        syncAndWait(storage);
        assertEquals(List.of(dir.resolve(new SnapshotFiles.Id(900, 2).fileName())), files("snap-"));
        assertEquals(1, storage.segmentFirstSeqs().size(), "only the active segment remains: " + storage.segmentFirstSeqs());
        assertTrue(storage.segmentFirstSeqs().getFirst() > 0);
        assertEquals(files("wal-").size(), 1);
        storage.close();

        FileRaftStorage reopened = open(small);
        assertSameState(memory, reopened);
        reopened.append(entries(3, 906, 1000));
        memory.append(entries(3, 906, 1000));
        syncAndWait(reopened);
        reopened.close();
        assertSameState(memory, open(small));
    }

    @Test
    void aCrashLosesOnlyWhatNoSyncCovered() throws Exception {
        MemoryRaftStorage memory = new MemoryRaftStorage();
        FileRaftStorage storage = open(config);
        storage.setHardState(new HardState(2, 1));
        memory.setHardState(new HardState(2, 1));
        storage.append(entries(2, 1, 10));
        memory.append(entries(2, 1, 10));
        storage.saveSnapshot(snapshot(4, 2));
        memory.saveSnapshot(snapshot(4, 2));
        syncAndWait(storage);
        syncMemory(memory);
        Path segment = files("wal-").getFirst();
        long syncedBytes = Files.size(segment);

        storage.setHardState(new HardState(3, 2));
        memory.setHardState(new HardState(3, 2));
        storage.truncateAfter(6);
        memory.truncateAfter(6);
        storage.append(entries(3, 7, 12));
        memory.append(entries(3, 7, 12));
        storage.saveSnapshot(snapshot(9, 3));
        memory.saveSnapshot(snapshot(9, 3));
        storage.close();
        memory.crash();
        // The crash kept some of the unsynced bytes, torn.
        WalTesting.truncate(segment, syncedBytes + 23);

        FileRaftStorage recovered = open(config);
        assertSameState(memory, recovered);
        assertEquals(23, recovered.recoveryReport().tornBytesDropped());
        assertEquals(List.of(dir.resolve(new SnapshotFiles.Id(4, 2).fileName())), files("snap-"),
                "the snapshot whose marker was lost is deleted");
    }

    @Test
    void aCorruptSnapshotFileStopsRecoveryNamingIt() throws Exception {
        FileRaftStorage storage = open(config);
        storage.append(entries(1, 1, 5));
        storage.saveSnapshot(snapshot(5, 1));
        syncAndWait(storage);
        storage.close();
        Path snap = files("snap-").getFirst();
        WalTesting.flipBit(snap, 40, 2);
        WalCorruptionException e = assertThrows(WalCorruptionException.class, () -> open(config));
        assertEquals(snap, e.file());
        assertTrue(e.getMessage().contains(snap.toString()) && e.getMessage().contains("checksum"), e.getMessage());
        Files.delete(snap);
        WalCorruptionException missing = assertThrows(WalCorruptionException.class, () -> open(config));
        assertTrue(missing.getMessage().contains(snap.toString()) && missing.getMessage().contains("missing"), missing.getMessage());
    }

    @Test
    void aSnapshotWithoutItsLogIsReportedAsLostStateAndNothingIsDeleted() throws Exception {
        FileRaftStorage storage = open(config);
        storage.append(entries(1, 1, 5));
        storage.saveSnapshot(snapshot(5, 1));
        syncAndWait(storage);
        storage.close();
        for (Path segment : files("wal-")) Files.delete(segment); // an operator's mistake, a bad restore
        List<Path> snapshots = files("snap-");
        java.io.IOException refused = assertThrows(java.io.IOException.class, () -> open(config));
        assertTrue(refused.getMessage().contains("but no write-ahead log") && refused.getMessage().contains("the log was lost")
                && refused.getMessage().contains(snapshots.getFirst().getFileName().toString())
                && refused.getMessage().contains("Nothing was deleted"), refused.getMessage());
        assertEquals(snapshots, files("snap-"), "the snapshot is kept");
        assertEquals(List.of(), files("wal-"), "no new, empty log was started in its place");
    }

    @Test
    void corruptionInsideTheLogStopsRecoveryNamingFileAndOffset() throws Exception {
        FileRaftStorage storage = open(config);
        storage.append(entries(1, 1, 5));
        syncAndWait(storage);
        storage.close();
        Path segment = files("wal-").getFirst();
        long checkpointEnd = SegmentHeader.BYTES + RecordFrame.frameBytes(RaftRecords.CHECKPOINT_BYTES);
        WalTesting.flipBit(segment, checkpointEnd + 20, 5);
        WalCorruptionException e = assertThrows(WalCorruptionException.class, () -> open(config));
        assertEquals(segment, e.file());
        assertEquals(checkpointEnd, e.offset());
        assertTrue(e.getMessage().contains("refusing to start"), e.getMessage());
    }

    @Test
    void anIntactRecordThatMakesNoSenseStopsRecovery() throws Exception {
        try (WriteAheadLog wal = WalTesting.open(dir, config)) {
            wal.append(RaftRecords.checkpoint(new RaftRecords.Checkpoint(HardState.INITIAL, 0, 0, 0)));
            wal.append(RaftRecords.entry(entries(1, 1, 1).getFirst()));
            wal.append(RaftRecords.entry(entries(1, 3, 3).getFirst()));
            WalTesting.syncAndWait(wal);
        }
        WalCorruptionException e = assertThrows(WalCorruptionException.class, () -> open(config));
        assertTrue(e.getMessage().contains("ENTRY 3 does not follow the last entry 1"), e.getMessage());
    }

    @Test
    void aFullDiskFailsTheStorageWithoutLosingOrAcknowledgingAnything() throws Exception {
        FileRaftStorage storage = open(config);
        storage.append(entries(1, 1, 5));
        syncAndWait(storage);
        channels.writeBytesLeft = 10;
        // The failing append and everything after it change memory only (like unsynced writes), and no
        // sync ever completes, so Raft can never acknowledge any of it.
        storage.append(entries(1, 6, 6));
        WalFailedException e = storage.failure();
        assertTrue(e != null && e.getMessage().contains("No space left on device") && e.getMessage().contains("the node stops accepting writes"),
                String.valueOf(e));
        assertEquals(6, storage.lastIndex(), "reads see the volatile append");
        storage.setHardState(new HardState(2, 1));
        assertEquals(new HardState(2, 1), storage.hardState());
        storage.sync(99);
        storage.saveSnapshot(snapshot(5, 1)); // memory only, like every write after the failure
        assertEquals(5, storage.snapshot().index());
        assertEquals(0, loop.drain(50));
        assertFalse(loop.synced.contains(99L), "no sync completes after the failure");
        storage.close();
        channels.writeBytesLeft = Long.MAX_VALUE;
        FileRaftStorage recovered = open(config);
        assertEquals(5, recovered.lastIndex());
        assertEquals(10, recovered.recoveryReport().tornBytesDropped());
    }

    @Test
    void aFullDiskWhileWritingASnapshotFailsTheStorage() throws Exception {
        FileRaftStorage storage = open(config);
        storage.append(entries(1, 1, 5));
        syncAndWait(storage);
        channels.writeBytesLeft = 10;
        // Not thrown: the failure would abort the Raft event that took the snapshot halfway.
        storage.saveSnapshot(snapshot(5, 1));
        WalFailedException e = storage.failure();
        assertTrue(e != null && e.getMessage().contains("writing snapshot file " + dir.resolve(new SnapshotFiles.Id(5, 1).fileName())), String.valueOf(e));
        assertEquals(5, storage.snapshot().index(), "the snapshot holds in memory, like any write after the failure");
        storage.append(entries(1, 6, 6)); // memory only from now on
        storage.sync(7);
        assertEquals(0, loop.drain(50));
        assertFalse(loop.synced.contains(7L));
        storage.close();
        channels.writeBytesLeft = Long.MAX_VALUE;
        FileRaftStorage recovered = open(config);
        assertEquals(0, recovered.snapshot().index());
        assertTrue(files("snap-").isEmpty(), "the half-written temp file is cleaned up");
    }

    @Test
    void aFailedFsyncNeverCompletesTheSync() throws Exception {
        FileRaftStorage storage = open(config);
        storage.append(entries(1, 1, 5));
        channels.failForce = true;
        storage.sync(42);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (storage.failure() == null && System.nanoTime() < deadline) Thread.sleep(1);
        assertTrue(storage.failure() != null);
        assertEquals(0, loop.drain(50));
        assertTrue(loop.synced.isEmpty());
        storage.append(entries(1, 6, 6));
        storage.sync(43);
        assertEquals(0, loop.drain(50));
        assertTrue(loop.synced.isEmpty(), "a failed log never completes a sync");
    }

    @Test
    void unusableDirectoriesAreRefusedByName() throws Exception {
        Path file = dir.resolve("file");
        Files.writeString(file, "x");
        IOException notDir = assertThrows(IOException.class, () -> FileRaftStorage.open(file, config, loop, loop::onSynced));
        assertTrue(notDir.getMessage().contains(file + " is not a directory"), notDir.getMessage());

        Path unknown = dir.resolve("node");
        Files.createDirectories(unknown);
        Files.writeString(unknown.resolve("notes.txt"), "x");
        IOException stray = assertThrows(IOException.class, () -> FileRaftStorage.open(unknown, config, loop, loop::onSynced));
        assertTrue(stray.getMessage().contains(unknown.resolve("notes.txt").toString()), stray.getMessage());
        Files.delete(unknown.resolve("notes.txt"));

        FileRaftStorage first = FileRaftStorage.open(unknown, config, loop, loop::onSynced);
        opened.add(first);
        IOException locked = assertThrows(IOException.class, () -> FileRaftStorage.open(unknown, config, loop, loop::onSynced));
        assertTrue(locked.getMessage().contains(unknown + " is in use"), locked.getMessage());
        first.close();
        opened.add(FileRaftStorage.open(unknown, config, loop, loop::onSynced));
    }

    @Test
    void aReadOnlyDirectoryIsRefusedByName() throws Exception {
        Path readOnly = dir.resolve("ro");
        Files.createDirectories(readOnly);
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeFalse(Files.isWritable(readOnly), "running as root: permissions are not enforced");
            IOException e = assertThrows(IOException.class, () -> FileRaftStorage.open(readOnly, config, loop, loop::onSynced));
            assertTrue(e.getMessage().contains(readOnly.toString()), e.getMessage());
        } finally {
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }
}
