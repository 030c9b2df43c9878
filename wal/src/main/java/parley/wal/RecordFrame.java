package parley.wal;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The frame of one record: {@code [length u32][crc32c u32][type u8][payload]}, big-endian, where
 * {@code length} counts type and payload and the CRC32C covers the segment's salt, the type and the
 * payload. Seeding the checksum with a per-segment random salt means bytes that came from a client
 * (an entry's payload) can never pose as a record of this segment, which is what lets recovery treat
 * "an intact record somewhere after a bad one" as proof of corruption rather than of a torn write.
 */
final class RecordFrame {
    /** Length and checksum fields. */
    static final int HEADER_BYTES = 8;
    /** Header plus the type byte: the smallest possible frame. */
    static final int MIN_FRAME_BYTES = HEADER_BYTES + 1;

    static final int INTACT = 0;
    static final int SHORT_HEADER = 1;
    static final int ZERO_LENGTH = 2;
    static final int OVERSIZED = 3;
    static final int PAST_END = 4;
    static final int ZERO_TYPE = 5;
    static final int BAD_CHECKSUM = 6;

    private RecordFrame() {}

    /** Bytes a record with {@code payloadBytes} of payload takes on disk. */
    static int frameBytes(int payloadBytes) {
        return MIN_FRAME_BYTES + payloadBytes;
    }

    /** Appends one frame to {@code out}. */
    static void write(ByteBuffer out, int salt, WalRecord record) {
        byte[] payload = record.payload();
        out.putInt(1 + payload.length);
        out.putInt(checksum(salt, record.type(), payload));
        out.put(record.type()).put(payload);
    }

    /** The length field of the frame at {@code pos} (type plus payload bytes). */
    static long length(byte[] segment, int pos) {
        return Integer.toUnsignedLong(getInt(segment, pos));
    }

    /** {@link #INTACT} or the code of the first defect of the frame at {@code pos}; allocation-free, for scanning. */
    static int check(byte[] segment, int pos, int end, int salt, int recordBytesMax) {
        int left = end - pos;
        if (left < MIN_FRAME_BYTES) return SHORT_HEADER;
        long length = length(segment, pos);
        if (length == 0) return ZERO_LENGTH;
        if (length + HEADER_BYTES > recordBytesMax) return OVERSIZED;
        if (length > left - HEADER_BYTES) return PAST_END;
        if (segment[pos + HEADER_BYTES] == 0) return ZERO_TYPE;
        int stored = getInt(segment, pos + 4);
        return stored == checksum(salt, segment, pos + HEADER_BYTES, (int) length) ? INTACT : BAD_CHECKSUM;
    }

    /** Words for a defect found by {@link #check}. */
    static String describe(int defect, byte[] segment, int pos, int end, int salt, int recordBytesMax) {
        long length = end - pos >= 4 ? length(segment, pos) : -1;
        return switch (defect) {
            case SHORT_HEADER -> "only " + (end - pos) + " bytes left, fewer than a record frame";
            case ZERO_LENGTH -> "record length is 0";
            case OVERSIZED -> "record length " + length + " exceeds the limit of " + recordBytesMax + " bytes";
            case PAST_END -> "record length " + length + " runs past the end of the segment (" + (end - pos - HEADER_BYTES) + " bytes left)";
            case ZERO_TYPE -> "record type 0";
            case BAD_CHECKSUM -> String.format("checksum mismatch (stored %08x, computed %08x)", getInt(segment, pos + 4),
                    checksum(salt, segment, pos + HEADER_BYTES, (int) length));
            default -> "intact";
        };
    }

    static int checksum(int salt, byte type, byte[] payload) {
        CRC32C crc = salted(salt);
        crc.update(type);
        crc.update(payload, 0, payload.length);
        return (int) crc.getValue();
    }

    /** Checksum of {@code length} bytes (type and payload) at {@code offset}. */
    static int checksum(int salt, byte[] bytes, int offset, int length) {
        CRC32C crc = salted(salt);
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    private static CRC32C salted(int salt) {
        CRC32C crc = new CRC32C();
        crc.update(salt >>> 24);
        crc.update(salt >>> 16);
        crc.update(salt >>> 8);
        crc.update(salt);
        return crc;
    }

    static int getInt(byte[] bytes, int pos) {
        return ((bytes[pos] & 0xff) << 24) | ((bytes[pos + 1] & 0xff) << 16) | ((bytes[pos + 2] & 0xff) << 8) | (bytes[pos + 3] & 0xff);
    }
}
