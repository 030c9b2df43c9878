package parley.kv;

import java.util.Arrays;

/**
 * Reads what {@link WireWriter} wrote, strictly: every malformation (truncation, an over-long or
 * non-canonical varint, a length beyond the input, a flag other than 0 or 1, an unknown tag,
 * trailing bytes) is an {@link IllegalArgumentException} saying what and where. Strictness matters
 * because every replica must reach the same verdict on the same bytes.
 */
final class WireReader {
    private final byte[] input;
    private final String what;
    private int position;

    /** @param what names the input in error messages, e.g. "kv command" */
    WireReader(byte[] input, String what) {
        if (input == null) {
            throw new IllegalArgumentException("malformed " + what + ": null");
        }
        this.input = input;
        this.what = what;
    }

    int remaining() {
        return input.length - position;
    }

    int readByte() {
        if (position >= input.length) {
            throw malformed("truncated");
        }
        return input[position++] & 0xff;
    }

    boolean readBoolean() {
        int flag = readByte();
        if (flag > 1) {
            throw malformed("flag " + flag + " is neither 0 nor 1");
        }
        return flag == 1;
    }

    long readLong() {
        long zigzag = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = readByte();
            if (shift == 63 && (b & 0xfe) != 0) {
                throw malformed("varint overflows 64 bits");
            }
            zigzag |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                if (b == 0 && shift > 0) {
                    throw malformed("varint is not in its shortest form");
                }
                return (zigzag >>> 1) ^ -(zigzag & 1);
            }
        }
        throw malformed("varint longer than 10 bytes");
    }

    /** A long that must lie in {@code [min, max]}. */
    long readLong(long min, long max, String field) {
        long value = readLong();
        if (value < min || value > max) {
            throw malformed(field + " " + value + " outside [" + min + ", " + max + "]");
        }
        return value;
    }

    /** A count of items that each take at least one byte, so it cannot exceed what is left. */
    int readCount(String field) {
        return (int) readLong(0, remaining(), field + " count");
    }

    Bytes readBytes() {
        int length = (int) readLong(0, remaining(), "byte string length");
        byte[] bytes = Arrays.copyOfRange(input, position, position + length);
        position += length;
        return new Bytes(bytes);
    }

    String readString() {
        return readBytes().toUtf8();
    }

    <E extends Enum<E>> E readEnum(E[] values, String field) {
        int ordinal = readByte();
        if (ordinal >= values.length) {
            throw malformed("unknown " + field + " " + ordinal);
        }
        return values[ordinal];
    }

    void expectEnd() {
        if (position != input.length) {
            throw malformed((input.length - position) + " trailing bytes");
        }
    }

    IllegalArgumentException malformed(String why) {
        return new IllegalArgumentException("malformed " + what + " at byte " + position + ": " + why);
    }
}
