package parley.wal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Shared helpers of the log tests. */
final class WalTesting {
    private WalTesting() {}

    /** A record whose payload encodes {@code i}, {@code bytes} long. */
    static WalRecord record(int i, int bytes) {
        byte[] payload = new byte[bytes];
        for (int b = 0; b < bytes; b++) payload[b] = (byte) (i * 31 + b * 7);
        return new WalRecord((byte) (1 + i % 100), payload);
    }

    /** What a recovery replayed, in order. */
    record Replayed(List<WalRecord> records, RecoveryReport report, List<Long> seqs) {}

    /** Opens the log, collects every record, closes it. */
    static Replayed replay(Path dir, WalConfig config) throws IOException {
        List<WalRecord> records = new ArrayList<>();
        List<Long> seqs = new ArrayList<>();
        try (WriteAheadLog wal = WriteAheadLog.open(dir, config, Runnable::run, r -> {
            byte[] payload = new byte[r.payload().remaining()];
            r.payload().duplicate().get(payload);
            records.add(new WalRecord(r.type(), payload));
            seqs.add(r.seq());
        })) {
            return new Replayed(records, wal.recoveryReport(), seqs);
        }
    }

    static WriteAheadLog open(Path dir, WalConfig config) throws IOException {
        return WriteAheadLog.open(dir, config, Runnable::run, r -> {});
    }

    static void syncAndWait(WriteAheadLog wal) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        wal.requestSync(done::countDown);
        if (!done.await(10, TimeUnit.SECONDS)) throw new AssertionError("sync never completed");
    }

    static boolean sameRecords(List<WalRecord> a, List<WalRecord> b) {
        if (a.size() != b.size()) return false;
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).type() != b.get(i).type() || !java.util.Arrays.equals(a.get(i).payload(), b.get(i).payload())) return false;
        }
        return true;
    }

    /** Byte offset of each record's frame in a segment holding {@code records} from its start. */
    static long[] offsets(List<WalRecord> records) {
        long[] offsets = new long[records.size() + 1];
        offsets[0] = SegmentHeader.BYTES;
        for (int i = 0; i < records.size(); i++) offsets[i + 1] = offsets[i] + records.get(i).frameBytes();
        return offsets;
    }

    static void flipBit(Path file, long offset, int bit) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[(int) offset] ^= (byte) (1 << bit);
        Files.write(file, bytes);
    }

    static boolean allZero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) if (bytes[i] != 0) return false;
        return true;
    }

    static void truncate(Path file, long size) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, (int) size));
    }
}
