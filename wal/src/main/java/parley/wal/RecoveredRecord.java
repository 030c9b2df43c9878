package parley.wal;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A record read back during recovery, with where it came from (for error messages).
 *
 * @param seq             the record's sequence number (0 for the first record ever written)
 * @param type            the record's type byte
 * @param payload         a read-only view of the payload, valid only during the visit: copy what you keep
 * @param segment         the segment file holding it
 * @param segmentFirstSeq sequence number of that segment's first record
 * @param offset          byte offset of the record's frame in the segment
 */
public record RecoveredRecord(long seq, byte type, ByteBuffer payload, Path segment, long segmentFirstSeq, long offset) {
    /** True when this record opens its segment. */
    public boolean firstInSegment() {
        return seq == segmentFirstSeq;
    }

    /** A corruption exception pointing at this record. */
    public WalCorruptionException corrupt(String reason) {
        return new WalCorruptionException(segment, offset, reason + " (record " + seq + ")");
    }
}
