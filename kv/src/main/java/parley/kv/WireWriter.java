package parley.kv;

import java.util.Arrays;

/**
 * Appends the codec's primitives to a growable byte array: zigzag varints for longs (small numbers
 * of either sign take one byte), length-prefixed byte strings, one-byte flags and tags.
 */
final class WireWriter {
    private byte[] buffer;
    private int length;

    WireWriter(int capacityHint) {
        buffer = new byte[Math.max(16, capacityHint)];
    }

    void writeByte(int value) {
        ensure(1);
        buffer[length++] = (byte) value;
    }

    void writeBoolean(boolean value) {
        writeByte(value ? 1 : 0);
    }

    /** A signed long, zigzag encoded then written 7 bits at a time, low bits first. */
    void writeLong(long value) {
        long zigzag = (value << 1) ^ (value >> 63);
        ensure(10);
        while ((zigzag & ~0x7fL) != 0) {
            buffer[length++] = (byte) ((zigzag & 0x7f) | 0x80);
            zigzag >>>= 7;
        }
        buffer[length++] = (byte) zigzag;
    }

    void writeBytes(Bytes value) {
        byte[] raw = value.raw();
        writeLong(raw.length);
        ensure(raw.length);
        System.arraycopy(raw, 0, buffer, length, raw.length);
        length += raw.length;
    }

    void writeString(String value) {
        writeBytes(Bytes.utf8(value));
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buffer, length);
    }

    private void ensure(int more) {
        if (length + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
        }
    }
}
