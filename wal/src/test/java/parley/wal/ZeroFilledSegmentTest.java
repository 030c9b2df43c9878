package parley.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Segments zero-filled ahead of their writes (the default): the zeros after the last record read as
 * room, not as a torn tail; appends after a restart land in that room; damage inside it is still torn;
 * records lost to zeros at the end of an earlier segment are still corruption.
 */
class ZeroFilledSegmentTest {
    @TempDir
    Path dir;

    private final WalConfig config = WalConfig.DEFAULT.withChannelFactory(FaultyChannels.fast());

    private List<WalRecord> appendSynced(WalConfig cfg, int from, int count) throws Exception {
        List<WalRecord> written = new ArrayList<>();
        try (WriteAheadLog wal = WalTesting.open(dir, cfg)) {
            for (int i = from; i < from + count; i++) {
                written.add(WalTesting.record(i, 50 + i));
                wal.append(written.getLast());
            }
            WalTesting.syncAndWait(wal);
        }
        return written;
    }

    private Path lastSegment() throws Exception {
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("wal-")).sorted().reduce((a, b) -> b).orElseThrow();
        }
    }

    @Test
    void zerosAfterTheDataAreRoomThatRestartsKeepAndFill() throws Exception {
        List<WalRecord> expected = new ArrayList<>(appendSynced(config, 0, 5));
        Path segment = lastSegment();
        long fileBytes = Files.size(segment);
        assertTrue(fileBytes >= WalConfig.ZERO_FILL_BYTES_DEFAULT, "zero-filled ahead: " + fileBytes);

        WalTesting.Replayed first = WalTesting.replay(dir, config);
        assertTrue(WalTesting.sameRecords(expected, first.records()));
        assertEquals(0, first.report().tornBytesDropped(), "zero-filled room is not a torn tail");
        assertEquals(fileBytes, Files.size(segment), "recovery keeps the room");

        expected.addAll(appendSynced(config, 5, 7));
        assertEquals(fileBytes, Files.size(segment), "appends after the restart went into the room");
        WalTesting.Replayed second = WalTesting.replay(dir, config);
        assertTrue(WalTesting.sameRecords(expected, second.records()));
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L), second.seqs());
    }

    @Test
    void aTornRecordInsideTheRoomIsCutAndSyncedRecordsSurvive() throws Exception {
        List<WalRecord> synced = appendSynced(config, 0, 3);
        Path segment = lastSegment();
        long dataEnd = SegmentHeader.BYTES;
        for (WalRecord r : synced) dataEnd += r.frameBytes();
        // A crash mid-append: the first half of a record's frame reached the disk inside the room.
        byte[] frame = new byte[200];
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(frame);
        RecordFrame.write(buffer, 0x5eed, WalTesting.record(9, 191));
        byte[] bytes = Files.readAllBytes(segment);
        System.arraycopy(frame, 0, bytes, (int) dataEnd, 100);
        Files.write(segment, bytes);

        WalTesting.Replayed replayed = WalTesting.replay(dir, config);
        assertTrue(WalTesting.sameRecords(synced, replayed.records()));
        assertEquals(bytes.length - dataEnd, replayed.report().tornBytesDropped(), "cut from the torn record on");
        assertEquals(dataEnd, Files.size(segment));
    }

    @Test
    void recordsLostToZerosAtTheEndOfAnEarlierSegmentAreCorruption() throws Exception {
        WalConfig small = config.withSegmentBytesMax(4096).withZeroFillBytes(1024);
        List<WalRecord> written = appendSynced(small, 0, 60);
        List<Long> firstSeqs;
        try (WriteAheadLog wal = WalTesting.open(dir, small)) {
            firstSeqs = wal.segmentFirstSeqs();
        }
        assertTrue(firstSeqs.size() >= 2, "rolled: " + firstSeqs);
        // Zero the last record of the first segment, as if those blocks had been lost.
        Path first = dir.resolve(DataDirectory.segmentName(firstSeqs.get(0)));
        byte[] bytes = Files.readAllBytes(first);
        long lastRecordOffset = SegmentHeader.BYTES;
        for (int i = 0; i < firstSeqs.get(1) - 1; i++) lastRecordOffset += written.get(i).frameBytes();
        java.util.Arrays.fill(bytes, (int) lastRecordOffset, bytes.length, (byte) 0);
        Files.write(first, bytes);

        WalCorruptionException e = assertThrows(WalCorruptionException.class, () -> WalTesting.replay(dir, small));
        assertTrue(e.getMessage().contains("a segment is missing or was cut short"), e.getMessage());
    }
}
