package parley.kv;

import java.util.Arrays;

/**
 * Appends the codec's primitives to a growable byte array: zigzag varints for longs (small numbers
 * of either sign take one byte), length-prefixed byte strings, one-byte flags and tags.
 */
final class WireWriter {
    /** Takes the bytes written so far, when a writer streams instead of growing. */
    interface Sink {
        void accept(byte[] buffer, int length);
    }

    private byte[] buffer;
    private int length;
    private final Sink sink;

    WireWriter(int capacityHint) {
        buffer = new byte[Math.max(16, capacityHint)];
        sink = null;
    }

    /** A writer that hands {@code sink} its bytes in pieces of about {@code bufferBytes}, holding no more. */
    WireWriter(int bufferBytes, Sink sink) {
        buffer = new byte[Math.max(16, bufferBytes)];
        this.sink = sink;
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

    /** CRC32C of the bytes written so far (a writer that streams to a sink has only its buffer's). */
    int crc32c() {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(buffer, 0, length);
        return (int) crc.getValue();
    }

    /** Hands what is still buffered to the sink. */
    void flush() {
        if (sink != null && length > 0) {
            sink.accept(buffer, length);
            length = 0;
        }
    }

    private void ensure(int more) {
        if (length + more > buffer.length && sink != null) {
            flush();
        }
        if (length + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
        }
    }
}
