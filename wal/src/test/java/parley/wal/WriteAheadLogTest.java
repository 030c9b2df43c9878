package parley.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static parley.wal.WalTesting.offsets;
import static parley.wal.WalTesting.record;
import static parley.wal.WalTesting.replay;
import static parley.wal.WalTesting.sameRecords;
import static parley.wal.WalTesting.syncAndWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteAheadLogTest {
    @TempDir
    Path dir;

    private final FaultyChannels channels = FaultyChannels.fast();
    // Crashes are modelled by cutting files at their synced length, so segments grow with each append here;
    // zero-filled segments have tests of their own (ZeroFilledSegmentTest).
    private final WalConfig config = WalConfig.DEFAULT.withChannelFactory(channels).withZeroFillBytes(0);

    private List<WalRecord> writeSynced(WalConfig config, int count, int bytes) throws Exception {
        List<WalRecord> written = new ArrayList<>();
        try (WriteAheadLog wal = WalTesting.open(dir, config)) {
            for (int i = 0; i < count; i++) {
                WalRecord r = record(i, bytes < 0 ? i * 13 % 300 : bytes);
                wal.append(r);
                written.add(r);
            }
            syncAndWait(wal);
        }
        return written;
    }

    private Path onlySegment() throws Exception {
        List<Path> segments = DataDirectory.segments(dir, WalFileSystem.REAL);
        assertEquals(1, segments.size());
        return segments.getFirst();
    }

    @Test
    void recordsSurviveCloseAndReopenAndNumberingContinues() throws Exception {
        List<WalRecord> written = writeSynced(config, 50, -1);
        WalTesting.Replayed first = replay(dir, config);
        assertTrue(sameRecords(written, first.records()));
        assertEquals(0, first.report().tornBytesDropped());
        try (WriteAheadLog wal = WalTesting.open(dir, config)) {
            assertEquals(50, wal.nextSeq());
            wal.append(List.of(record(50, 10), record(51, 0)));
            written.addAll(List.of(record(50, 10), record(51, 0)));
            syncAndWait(wal);
        }
        WalTesting.Replayed second = replay(dir, config);
        assertTrue(sameRecords(written, second.records()));
        assertEquals(51L, second.seqs().getLast());
        assertEquals("wal-00000000000000000000.log", onlySegment().getFileName().toString());
    }

    @Test
    void rollsSegmentsAtTheSizeLimitAndRecoversAcrossThem() throws Exception {
        WalConfig small = config.withSegmentBytesMax(4096);
        List<WalRecord> written = writeSynced(small, 200, 100);
        List<Path> segments = DataDirectory.segments(dir, WalFileSystem.REAL);
        assertTrue(segments.size() >= 5, "segments: " + segments);
        for (Path segment : segments) assertTrue(Files.size(segment) <= 4096, segment + " is " + Files.size(segment));
        assertTrue(sameRecords(written, replay(dir, small).records()));
        // The second segment is named after its first record.
        long firstSeqOfSecond = DataDirectory.segmentFirstSeq(segments.get(1).getFileName().toString());
        assertEquals((4096 - SegmentHeader.BYTES) / 109, firstSeqOfSecond);
    }

    @Test
    void oneFsyncCoversEveryAppendMadeWhileThePreviousOneRan() throws Exception {
        ExecutorService node = Executors.newSingleThreadExecutor();
        List<Integer> completed = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch all = new CountDownLatch(101);
        try (WriteAheadLog wal = WriteAheadLog.open(dir, config, node, r -> {})) {
            channels.forceEntered.drainPermits();
            CountDownLatch gate = new CountDownLatch(1);
            channels.forceGate = gate;
            wal.append(record(0, 10));
            wal.requestSync(() -> { completed.add(0); all.countDown(); });
            assertTrue(channels.forceEntered.tryAcquire(10, TimeUnit.SECONDS), "the syncer should be inside fsync");
            for (int i = 1; i <= 100; i++) {
                int id = i;
                wal.append(record(i, 10));
                wal.requestSync(() -> { completed.add(id); all.countDown(); });
            }
            channels.forceGate = null;
            gate.countDown();
            assertTrue(all.await(10, TimeUnit.SECONDS));
            WalStats stats = wal.stats();
            assertEquals(2, stats.fsyncCount(), "one fsync for the first request, one for the hundred queued behind it");
            assertEquals(101, stats.syncRequests());
            assertEquals(101, wal.durableSeq());
        } finally {
            node.shutdown();
        }
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i <= 100; i++) expected.add(i);
        assertEquals(expected, completed, "completions arrive in request order");
    }

    @Test
    void aSyncWithNothingNewCompletesWithoutAnotherFsync() throws Exception {
        try (WriteAheadLog wal = WalTesting.open(dir, config)) {
            wal.append(record(1, 10));
            syncAndWait(wal);
            syncAndWait(wal);
            assertEquals(1, wal.stats().fsyncCount());
        }
    }

    @Test
    void aTornLastRecordIsCutAtEveryByteOffset() throws Exception {
        List<WalRecord> synced = writeSynced(config, 5, 40);
        Path segment = onlySegment();
        long syncedEnd = Files.size(segment);
        try (WriteAheadLog wal = WalTesting.open(dir, config)) {
            wal.append(record(99, 60));
        }
        byte[] full = Files.readAllBytes(segment);
        assertEquals(syncedEnd + record(99, 60).frameBytes(), full.length);
        for (long cut = syncedEnd; cut < full.length; cut++) {
            Files.write(segment, java.util.Arrays.copyOf(full, (int) cut));
            WalTesting.Replayed replayed = replay(dir, config);
            assertTrue(sameRecords(synced, replayed.records()), "cut at " + cut);
            // A cut inside the new record's length field can leave only zero bytes: that reads as
            // zero-filled room after the data (kept, not reported torn), which loses nothing either.
            boolean zeros = WalTesting.allZero(full, (int) syncedEnd, (int) cut);
            assertEquals(zeros ? 0 : cut - syncedEnd, replayed.report().tornBytesDropped(), "cut at " + cut);
            assertEquals(zeros ? cut : syncedEnd, Files.size(segment), "the torn tail is truncated away");
        }
        Files.write(segment, full);
        assertEquals(6, replay(dir, config).records().size());
    }

    @Test
    void aTornTailOfZeroesOrGarbageIsCut() throws Exception {
        List<WalRecord> synced = writeSynced(config, 5, 40);
        Path segment = onlySegment();
        long syncedEnd = Files.size(segment);
        try (WriteAheadLog wal = WalTesting.open(dir, config)) {
            wal.append(List.of(record(7, 5000), record(8, 10)));
        }
        // A page in the middle of the unsynced write never reached the disk, the file size did.
        byte[] bytes = Files.readAllBytes(segment);
        java.util.Arrays.fill(bytes, (int) syncedEnd + 100, bytes.length, (byte) 0);
        Files.write(segment, bytes);
        WalTesting.Replayed replayed = replay(dir, config);
        assertTrue(sameRecords(synced, replayed.records()));
        assertEquals(bytes.length - syncedEnd, replayed.report().tornBytesDropped());
        // Garbage after the last intact record.
        byte[] garbage = new byte[3000];
        new java.util.Random(7).nextBytes(garbage);
        Files.write(segment, garbage, java.nio.file.StandardOpenOption.APPEND);
        assertTrue(sameRecords(synced, replay(dir, config).records()));
        assertEquals(syncedEnd, Files.size(segment));
    }

    @Test
    void everySingleBitFlipInAMiddleRecordIsCorruptionNamingFileAndOffset() throws Exception {
        List<WalRecord> written = writeSynced(config, 5, 20);
        Path segment = onlySegment();
        long[] offsets = offsets(written);
        byte[] pristine = Files.readAllBytes(segment);
        for (long at = offsets[2]; at < offsets[3]; at++) {
            for (int bit = 0; bit < 8; bit++) {
                Files.write(segment, pristine);
                WalTesting.flipBit(segment, at, bit);
                WalCorruptionException e = assertThrows(WalCorruptionException.class, () -> replay(dir, config), "flip at " + at);
                assertEquals(segment, e.file());
                assertEquals(offsets[2], e.offset(), "flip at " + at + " bit " + bit + ": " + e.getMessage());
                assertTrue(e.getMessage().contains(segment.toString()) && e.getMessage().contains("offset " + offsets[2]), e.getMessage());
                assertTrue(e.getMessage().contains("intact record follows at offset " + offsets[3]), e.getMessage());
            }
        }
        Files.write(segment, pristine);
        assertTrue(sameRecords(written, replay(dir, config).records()));
    }

    @Test
    void damageInTheLastRecordOfANonLastSegmentIsCorruption() throws Exception {
        WalConfig small = config.withSegmentBytesMax(4096);
        writeSynced(small, 100, 100);
        Path first = DataDirectory.segments(dir, WalFileSystem.REAL).getFirst();
        long lastRecordOffset = SegmentHeader.BYTES + ((4096 - SegmentHeader.BYTES) / 109 - 1) * 109L;
        WalTesting.flipBit(first, lastRecordOffset + 50, 3);
        WalCorruptionException e = assertThrows(WalCorruptionException.class, () -> replay(dir, small));
        assertEquals(first, e.file());
        assertEquals(lastRecordOffset, e.offset());
        assertTrue(e.getMessage().contains("not the last"), e.getMessage());
        // Cutting a non-last segment short at a record boundary is caught by the numbering.
        WalTesting.flipBit(first, lastRecordOffset + 50, 3);
        WalTesting.truncate(first, lastRecordOffset);
        WalCorruptionException cut = assertThrows(WalCorruptionException.class, () -> replay(dir, small));
        assertEquals(DataDirectory.segments(dir, WalFileSystem.REAL).get(1), cut.file());
        assertTrue(cut.getMessage().contains("missing or was cut short"), cut.getMessage());
    }

    @Test
    void aMissingMiddleSegmentIsCorruption() throws Exception {
        WalConfig small = config.withSegmentBytesMax(4096);
        writeSynced(small, 150, 100);
        List<Path> segments = DataDirectory.segments(dir, WalFileSystem.REAL);
        Files.delete(segments.get(1));
        WalCorruptionException e = assertThrows(WalCorruptionException.class, () -> replay(dir, small));
        assertEquals(segments.get(2), e.file());
        assertEquals(0, e.offset());
    }

    @Test
    void aDamagedSegmentHeaderIsCorruption() throws Exception {
        writeSynced(config, 3, 10);
        Path segment = onlySegment();
        WalTesting.flipBit(segment, 13, 0);
        WalCorruptionException e = assertThrows(WalCorruptionException.class, () -> replay(dir, config));
        assertEquals(0, e.offset());
        assertTrue(e.getMessage().contains("header"), e.getMessage());
    }

    @Test
    void damageToTheVeryLastRecordCannotBeToldFromATornWriteAndIsDropped() throws Exception {
        List<WalRecord> written = writeSynced(config, 4, 30);
        WalTesting.flipBit(onlySegment(), Files.size(onlySegment()) - 3, 1);
        WalTesting.Replayed replayed = replay(dir, config);
        assertTrue(sameRecords(written.subList(0, 3), replayed.records()));
        assertEquals(written.get(3).frameBytes(), replayed.report().tornBytesDropped());
    }

    @Test
    void aSegmentWhoseCreationACrashInterruptedIsReused() throws Exception {
        WalConfig small = config.withSegmentBytesMax(4096);
        List<WalRecord> written = writeSynced(small, 50, 100);
        long nextSeq = written.size();
        Path fresh = dir.resolve(DataDirectory.segmentName(nextSeq));
        Files.write(fresh, new byte[10]);
        assertTrue(sameRecords(written, replay(dir, small).records()));
        try (WriteAheadLog wal = WalTesting.open(dir, small)) {
            assertEquals(nextSeq, wal.segmentFirstSeqs().getLast());
            wal.append(record(50, 100));
            syncAndWait(wal);
        }
        assertEquals(51, replay(dir, small).records().size());
    }

    @Test
    void fullDiskOnAppendFailsTheLogAndLosesNothingSynced() throws Exception {
        ExecutorService node = Executors.newSingleThreadExecutor();
        AtomicReference<WalFailedException> observed = new AtomicReference<>();
        WalConfig observing = config.withObserver(new WalObserver() {
            @Override public void onFailure(WalFailedException failure) { observed.set(failure); }
        });
        List<WalRecord> synced = new ArrayList<>();
        List<Integer> completions = Collections.synchronizedList(new ArrayList<>());
        try (WriteAheadLog wal = WriteAheadLog.open(dir, observing, node, r -> {})) {
            for (int i = 0; i < 3; i++) {
                synced.add(record(i, 50));
                wal.append(record(i, 50));
            }
            syncAndWait(wal);
            channels.writeBytesLeft = 30;
            WalFailedException e = assertThrows(WalFailedException.class, () -> wal.append(record(3, 50)));
            assertTrue(e.getMessage().startsWith("write-ahead log failed: appending to " + onlySegment()), e.getMessage());
            assertTrue(e.getMessage().contains("No space left on device") && e.getMessage().endsWith("the node stops accepting writes"), e.getMessage());
            assertEquals(e, observed.get());
            assertEquals(e, wal.failure());
            assertThrows(WalFailedException.class, () -> wal.append(record(4, 1)));
            assertThrows(WalFailedException.class, () -> wal.requestSync(() -> completions.add(1)));
        } finally {
            node.shutdown();
            assertTrue(node.awaitTermination(5, TimeUnit.SECONDS));
        }
        assertTrue(completions.isEmpty());
        channels.writeBytesLeft = Long.MAX_VALUE;
        WalTesting.Replayed replayed = replay(dir, config);
        assertTrue(sameRecords(synced, replayed.records()));
        assertEquals(30, replayed.report().tornBytesDropped(), "the partial record the full disk left is cut as torn");
    }

    @Test
    void failedFsyncFailsTheLogAndNeverCompletesTheSync() throws Exception {
        ExecutorService node = Executors.newSingleThreadExecutor();
        CountDownLatch failed = new CountDownLatch(1);
        WalConfig observing = config.withObserver(new WalObserver() {
            @Override public void onFailure(WalFailedException failure) { failed.countDown(); }
        });
        List<Integer> completions = Collections.synchronizedList(new ArrayList<>());
        try (WriteAheadLog wal = WriteAheadLog.open(dir, observing, node, r -> {})) {
            wal.append(record(0, 10));
            channels.failForce = true;
            wal.requestSync(() -> completions.add(0));
            assertTrue(failed.await(10, TimeUnit.SECONDS));
            WalFailedException e = assertThrows(WalFailedException.class, () -> wal.append(record(1, 10)));
            assertTrue(e.getMessage().contains("fsync of " + onlySegment()), e.getMessage());
            assertThrows(WalFailedException.class, () -> wal.requestSync(() -> completions.add(1)));
        } finally {
            node.shutdown();
            assertTrue(node.awaitTermination(5, TimeUnit.SECONDS));
        }
        assertTrue(completions.isEmpty(), "no completion for writes the failed fsync did not make durable");
    }

    @Test
    void failedFsyncBeforeRollingFailsTheLog() throws Exception {
        try (WriteAheadLog wal = WalTesting.open(dir, config.withSegmentBytesMax(4096))) {
            wal.append(record(0, 3000));
            channels.failForce = true;
            WalFailedException e = assertThrows(WalFailedException.class, () -> wal.append(record(1, 3000)));
            assertTrue(e.getMessage().contains("before rolling"), e.getMessage());
            assertEquals(1, DataDirectory.segments(dir, WalFileSystem.REAL).size());
        }
    }

    @Test
    void limitsAreEnforced() throws Exception {
        try (WriteAheadLog wal = WalTesting.open(dir, config.withRecordBytesMax(1024))) {
            assertThrows(IllegalArgumentException.class, () -> wal.append(record(0, 2000)));
            assertNull(wal.failure());
        }
        assertThrows(IllegalArgumentException.class, () -> new WalRecord((byte) 0, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> WalConfig.DEFAULT.withSegmentBytesMax(100));
    }

    @Test
    void aDataDirectoryThatIsAFileIsRefusedByName() throws Exception {
        Path file = dir.resolve("not-a-dir");
        Files.writeString(file, "x");
        Exception e = assertThrows(java.io.IOException.class, () -> WalTesting.open(file, config));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("not a directory"), e.getMessage());
    }

    @Test
    void closedLogRefusesWrites() throws Exception {
        WriteAheadLog wal = WalTesting.open(dir, config);
        wal.close();
        assertThrows(IllegalStateException.class, () -> wal.append(record(0, 1)));
        wal.close();
        assertNull(wal.failure(), "closing is not a failure");
    }
}
