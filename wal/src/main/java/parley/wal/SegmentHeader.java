package parley.wal;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The first {@value #BYTES} bytes of every segment: {@code [magic "PWAL" u32][version u16][reserved u16]
 * [firstSeq u64][salt u32][crc32c u32 of the preceding 20 bytes]}. The header is written and fsynced
 * before any record goes into the segment.
 *
 * @param firstSeq sequence number of the segment's first record (also in the file name)
 * @param salt     random per segment; seeds every record checksum in it
 */
record SegmentHeader(long firstSeq, int salt) {
    static final int BYTES = 24;
    static final int MAGIC = 0x5057414C; // "PWAL"
    static final short VERSION = 1;

    byte[] encode() {
        ByteBuffer out = ByteBuffer.allocate(BYTES);
        out.putInt(MAGIC).putShort(VERSION).putShort((short) 0).putLong(firstSeq).putInt(salt);
        out.putInt(crc(out.array()));
        return out.array();
    }

    /** The header in {@code bytes}, or null with {@code defect[0]} saying what is wrong with it. */
    static SegmentHeader decode(byte[] bytes, String[] defect) {
        if (bytes.length < BYTES) {
            defect[0] = "file is " + bytes.length + " bytes, shorter than the " + BYTES + "-byte segment header";
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, 0, BYTES);
        int magic = in.getInt();
        short version = in.getShort();
        in.getShort();
        long firstSeq = in.getLong();
        int salt = in.getInt();
        int stored = in.getInt();
        if (magic != MAGIC) {
            defect[0] = String.format("bad segment magic %08x (expected %08x)", magic, MAGIC);
        } else if (stored != crc(bytes)) {
            defect[0] = "segment header checksum mismatch";
        } else if (version != VERSION) {
            defect[0] = "unsupported segment format version " + version + " (this build reads " + VERSION + ")";
        } else {
            return new SegmentHeader(firstSeq, salt);
        }
        return null;
    }

    private static int crc(byte[] header) {
        CRC32C crc = new CRC32C();
        crc.update(header, 0, BYTES - 4);
        return (int) crc.getValue();
    }
}
