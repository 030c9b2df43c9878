package parley.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads every segment in order, checks each record's frame and checksum and hands the intact ones to
 * a visitor. It decides, for the first bad record it meets, between two stories:
 * <ul>
 *   <li><b>torn tail</b>: the bad record is in the last segment and no intact record starts anywhere
 *       after it. A crash mid-write leaves exactly this (a short record, a zeroed page, garbage); the
 *       caller cuts the segment there. None of it was ever reported durable, because a sync only
 *       completes after the fsync that covers it.</li>
 *   <li><b>corruption</b>: the bad record is in an earlier segment (every earlier segment was fsynced
 *       in full before the next one was created), or an intact record follows it (data after the
 *       damage was written, so the damage hit data that had been written before). Recovery stops with
 *       {@link WalCorruptionException}.</li>
 * </ul>
 * The search for "an intact record after" tries every byte offset, because the bad record's own length
 * field may be what is damaged; the per-segment checksum salt keeps client bytes inside a payload from
 * looking intact. A damaged last record of the last segment cannot be told from a torn one, so it is
 * dropped as torn; that is the one case where recovery loses a record (see package docs).
 */
final class WalRecovery {
    static final int NONE = -1;
    static final int UNDECIDED = -2;
    /** Bounds the search for an intact record after a bad one (about a second of CRC32C). */
    static final long SCAN_CHECKSUM_BYTES_MAX = 4L << 30;

    /**
     * One segment as recovery left it.
     *
     * @param zeroTail the bytes from {@code validEnd} to {@code fileBytes} are all zero: room the log
     *                 zero-filled ahead of its writes (see {@link WriteAheadLog}), not a torn write
     */
    record SegmentState(Path path, long firstSeq, int salt, long records, long validEnd, long fileBytes, boolean headerTorn,
                        boolean zeroTail) {}

    /** Every segment, oldest first, and the report. */
    record Outcome(List<SegmentState> segments, RecoveryReport report) {}

    private WalRecovery() {}

    static Outcome run(List<Path> paths, WalConfig config, RecordVisitor visitor) throws IOException {
        List<SegmentState> states = new ArrayList<>(paths.size());
        long expectedSeq = -1;
        long records = 0;
        Path tornPath = null;
        long tornOffset = 0;
        long tornBytes = 0;
        for (int i = 0; i < paths.size(); i++) {
            Path path = paths.get(i);
            boolean last = i == paths.size() - 1;
            long firstSeq = DataDirectory.segmentFirstSeq(path.getFileName().toString());
            if (expectedSeq >= 0 && firstSeq != expectedSeq) {
                throw new WalCorruptionException(path, 0, "segment starts at record " + firstSeq
                        + " but the previous segment ends before record " + expectedSeq + ": a segment is missing or was cut short");
            }
            SegmentState state = recoverSegment(path, firstSeq, last, read(path, config.channelFactory()), config, visitor);
            states.add(state);
            records += state.records();
            expectedSeq = firstSeq + state.records();
            if (last && state.validEnd() < state.fileBytes() && !state.zeroTail()) {
                tornPath = path;
                tornOffset = state.validEnd();
                tornBytes = state.fileBytes() - state.validEnd();
            }
        }
        visitor.endOfLog();
        return new Outcome(states, new RecoveryReport(paths.size(), records, tornPath, tornOffset, tornBytes));
    }

    private static SegmentState recoverSegment(Path path, long firstSeq, boolean last, byte[] bytes, WalConfig config,
                                               RecordVisitor visitor) throws IOException {
        String[] defect = new String[1];
        SegmentHeader header = SegmentHeader.decode(bytes, defect);
        if (header == null) {
            // The header is fsynced before any record is written, so a bad header over an otherwise
            // empty file is a segment whose creation a crash interrupted.
            if (last && allZero(bytes, SegmentHeader.BYTES)) return new SegmentState(path, firstSeq, 0, 0, 0, bytes.length, true, false);
            throw new WalCorruptionException(path, 0, defect[0]);
        }
        if (header.firstSeq() != firstSeq) {
            throw new WalCorruptionException(path, 0, "segment header says its first record is " + header.firstSeq()
                    + " but the file name says " + firstSeq);
        }
        int salt = header.salt();
        int recordBytesMax = config.recordBytesMax();
        int pos = SegmentHeader.BYTES;
        long seq = firstSeq;
        boolean zeroTail = false;
        while (pos < bytes.length) {
            int code = RecordFrame.check(bytes, pos, bytes.length, salt, recordBytesMax);
            if (code != RecordFrame.INTACT) {
                // Zeros to the end are room the log filled ahead of its writes: the data ends here. In
                // an earlier segment, records lost to zeros would show as a gap in the next segment's
                // first record number, which run() refuses.
                if ((code == RecordFrame.ZERO_LENGTH || code == RecordFrame.SHORT_HEADER) && allZero(bytes, pos)) {
                    zeroTail = true;
                    break;
                }
                checkTornTail(path, last, bytes, pos, code, salt, recordBytesMax);
                break;
            }
            int length = (int) RecordFrame.length(bytes, pos);
            ByteBuffer payload = ByteBuffer.wrap(bytes, pos + RecordFrame.MIN_FRAME_BYTES, length - 1).slice().asReadOnlyBuffer();
            visitor.visit(new RecoveredRecord(seq, bytes[pos + RecordFrame.HEADER_BYTES], payload, path, firstSeq, pos));
            pos += RecordFrame.HEADER_BYTES + length;
            seq++;
        }
        return new SegmentState(path, firstSeq, salt, seq - firstSeq, pos, bytes.length, false, zeroTail);
    }

    /** Returns when the bad record at {@code pos} starts a torn tail; throws when it is corruption. */
    private static void checkTornTail(Path path, boolean last, byte[] bytes, int pos, int code, int salt, int recordBytesMax)
            throws WalCorruptionException {
        String reason = RecordFrame.describe(code, bytes, pos, bytes.length, salt, recordBytesMax);
        if (!last) {
            throw new WalCorruptionException(path, pos, reason + ", in a segment that is not the last"
                    + " (each segment is fsynced in full before the next is created, so this is not a torn write)");
        }
        int next = intactRecordAfter(bytes, pos + 1, salt, recordBytesMax);
        if (next == UNDECIDED) {
            throw new WalCorruptionException(path, pos, reason + "; could not establish within "
                    + SCAN_CHECKSUM_BYTES_MAX + " checksummed bytes that nothing intact follows, so it is not treated as a torn tail");
        }
        if (next >= 0) {
            throw new WalCorruptionException(path, pos, reason + ", yet an intact record follows at offset " + next
                    + ": damage inside the log, not a torn tail");
        }
    }

    /**
     * Offset of the first intact frame at or after {@code from}; {@link #NONE} when there is none;
     * {@link #UNDECIDED} when the search would cost more than {@link #SCAN_CHECKSUM_BYTES_MAX} bytes of
     * checksumming (a tail full of small plausible length fields, which a torn write rarely leaves).
     */
    static int intactRecordAfter(byte[] bytes, int from, int salt, int recordBytesMax) {
        long checksummedBytes = 0;
        for (int q = from; q <= bytes.length - RecordFrame.MIN_FRAME_BYTES; q++) {
            int code = RecordFrame.check(bytes, q, bytes.length, salt, recordBytesMax);
            if (code == RecordFrame.INTACT) return q;
            if (code == RecordFrame.BAD_CHECKSUM) {
                checksummedBytes += RecordFrame.length(bytes, q);
                if (checksummedBytes > SCAN_CHECKSUM_BYTES_MAX) return UNDECIDED;
            }
        }
        return NONE;
    }

    private static boolean allZero(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] != 0) return false;
        }
        return true;
    }

    private static byte[] read(Path path, ChannelFactory channels) throws IOException {
        try (FileChannel channel = channels.open(path, Set.of(StandardOpenOption.READ))) {
            long size = channel.size();
            if (size > WalConfig.SEGMENT_BYTES_MAX_LIMIT + WalConfig.BATCH_BYTES_MAX + (1 << 20)) {
                throw new WalCorruptionException(path, 0, "segment is " + size + " bytes, larger than any segment this log writes");
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) size);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, buffer.position()) < 0) break;
            }
            if (buffer.hasRemaining()) throw new IOException("segment " + path + " shrank while being read");
            return buffer.array();
        }
    }
}
