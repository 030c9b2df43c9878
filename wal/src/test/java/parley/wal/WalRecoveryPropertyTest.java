package parley.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Recovery against random logs: torn tails are cut exactly; damage anywhere else is reported where it is. */
class WalRecoveryPropertyTest {
    private static final WalConfig CONFIG = WalConfig.DEFAULT.withSegmentBytesMax(4096).withChannelFactory(FaultyChannels.fast()).withZeroFillBytes(0);

    /** Where each record landed. */
    private record Layout(List<WalRecord> records, List<Long> segmentFirstSeqs, long[] offsetBySeq) {
        int segmentOf(long seq) {
            int k = 0;
            while (k + 1 < segmentFirstSeqs.size() && segmentFirstSeqs.get(k + 1) <= seq) k++;
            return k;
        }

        long end(int seq) {
            return offsetBySeq[seq] + records.get(seq).frameBytes();
        }
    }

    private static Layout write(Path dir, List<Integer> sizes, int syncedCount) throws Exception {
        List<WalRecord> records = new ArrayList<>();
        List<Long> firstSeqs;
        try (WriteAheadLog wal = WalTesting.open(dir, CONFIG)) {
            for (int i = 0; i < sizes.size(); i++) {
                if (i == syncedCount) WalTesting.syncAndWait(wal);
                records.add(WalTesting.record(i, sizes.get(i)));
                wal.append(records.getLast());
            }
            if (syncedCount >= sizes.size()) WalTesting.syncAndWait(wal);
            firstSeqs = wal.segmentFirstSeqs();
        }
        long[] offsets = new long[records.size()];
        long at = SegmentHeader.BYTES;
        for (int i = 0; i < records.size(); i++) {
            if (firstSeqs.contains((long) i)) at = SegmentHeader.BYTES;
            offsets[i] = at;
            at += records.get(i).frameBytes();
        }
        return new Layout(records, firstSeqs, offsets);
    }

    @Property(tries = 250)
    void recoveryKeepsEverySyncedRecordAndCutsOnlyTheTornSuffix(
            @ForAll @Size(min = 1, max = 40) List<@IntRange(min = 0, max = 700) Integer> sizes,
            @ForAll @IntRange(min = 0, max = 40) int syncedCountRaw,
            @ForAll @IntRange(min = 0, max = 1 << 20) int cutRaw,
            @ForAll("tails") byte[] tail) throws Exception {
        int syncedCount = Math.min(syncedCountRaw, sizes.size());
        TempDirs.withTempDir(dir -> {
            Layout layout = write(dir, sizes, syncedCount);
            long lastFirstSeq = layout.segmentFirstSeqs().getLast();
            Path last = dir.resolve(DataDirectory.segmentName(lastFirstSeq));
            long fileBytes = Files.size(last);
            // Everything before the last segment was fsynced when it rolled; in the last one, the
            // header and the synced records were fsynced.
            long durableEnd = syncedCount > lastFirstSeq ? layout.end(syncedCount - 1) : SegmentHeader.BYTES;
            long cut = durableEnd + cutRaw % (fileBytes - durableEnd + 1);
            WalTesting.truncate(last, cut);
            Files.write(last, tail, StandardOpenOption.APPEND);

            List<WalRecord> expected = new ArrayList<>();
            long expectedEnd = SegmentHeader.BYTES;
            for (int i = 0; i < layout.records().size(); i++) {
                if (i < lastFirstSeq || layout.end(i) <= cut) {
                    expected.add(layout.records().get(i));
                    if (i >= lastFirstSeq) expectedEnd = layout.end(i);
                }
            }
            byte[] damaged = Files.readAllBytes(last);
            // Zeros alone after the data read as zero-filled room: kept, not torn.
            boolean zeros = WalTesting.allZero(damaged, (int) expectedEnd, damaged.length);
            WalTesting.Replayed replayed = WalTesting.replay(dir, CONFIG);
            assertTrue(WalTesting.sameRecords(expected, replayed.records()), "cut at " + cut + " of " + fileBytes);
            assertTrue(replayed.records().size() >= syncedCount, "every synced record survives");
            assertEquals(zeros ? 0 : cut + tail.length - expectedEnd, replayed.report().tornBytesDropped());
            assertEquals(zeros ? damaged.length : expectedEnd, Files.size(last));
        });
    }

    @Provide
    Arbitrary<byte[]> tails() {
        return Arbitraries.oneOf(
                Arbitraries.just(new byte[0]),
                Arbitraries.integers().between(1, 5000).map(byte[]::new),
                Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(3000));
    }

    @Property(tries = 250)
    void aBitFlipAnywhereButInTheLastRecordIsCorruptionAtTheDamagedRecord(
            @ForAll @Size(min = 2, max = 40) List<@IntRange(min = 0, max = 700) Integer> sizes,
            @ForAll @IntRange(min = 0, max = 1 << 20) int recordRaw,
            @ForAll @IntRange(min = 0, max = 1 << 20) int byteRaw,
            @ForAll @IntRange(min = 0, max = 7) int bit) throws Exception {
        TempDirs.withTempDir(dir -> {
            Layout layout = write(dir, sizes, sizes.size());
            int victim = recordRaw % (sizes.size() - 1);
            Path segment = dir.resolve(DataDirectory.segmentName(layout.segmentFirstSeqs().get(layout.segmentOf(victim))));
            long at = layout.offsetBySeq()[victim] + byteRaw % layout.records().get(victim).frameBytes();
            WalTesting.flipBit(segment, at, bit);
            WalCorruptionException e = assertThrows(WalCorruptionException.class, () -> WalTesting.replay(dir, CONFIG));
            assertEquals(segment, e.file(), e.getMessage());
            assertEquals(layout.offsetBySeq()[victim], e.offset(), e.getMessage());
        });
    }
}
