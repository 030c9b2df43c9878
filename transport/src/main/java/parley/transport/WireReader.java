package parley.transport;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;

/**
 * Reads big-endian fields from a buffer, checking each read against the bytes that remain and naming
 * the field in the {@link CodecException} when a check fails. Every length or count is validated
 * against the remaining bytes before anything is allocated for it, which bounds allocation by the size
 * of the input. Not thread-safe; one per decode.
 */
final class WireReader {
    private final ByteBuf in;
    private String messageType = "message";
    private String listName;
    private int elementIndex = -1;

    WireReader(ByteBuf in) {
        this.in = in;
    }

    /** Names the message being decoded, for error messages. */
    void begin(String type) {
        messageType = type;
        listName = null;
        elementIndex = -1;
    }

    /** Subsequent fields belong to element {@code index} of list {@code name}. */
    void element(String name, int index) {
        listName = name;
        elementIndex = index;
    }

    /** Subsequent fields belong to the message itself again. */
    void endElements() {
        listName = null;
        elementIndex = -1;
    }

    long i64(String field) {
        need(Long.BYTES, field);
        return in.readLong();
    }

    int u8(String field) {
        need(1, field);
        return in.readUnsignedByte();
    }

    int u16(String field) {
        need(Short.BYTES, field);
        return in.readUnsignedShort();
    }

    int i32(String field) {
        need(Integer.BYTES, field);
        return in.readInt();
    }

    /** A boolean stored as one byte that must be 0 or 1. */
    boolean bool(String field) {
        int value = u8(field);
        if (value > 1) throw error(field, "boolean byte must be 0 or 1, got " + value);
        return value == 1;
    }

    /**
     * A u32 count of elements that each take at least {@code elementBytesMin} bytes: at most
     * {@code countMax}, and small enough that the elements can fit in what remains.
     */
    int count(String field, int countMax, int elementBytesMin) {
        need(Integer.BYTES, field);
        long count = in.readUnsignedInt();
        if (count > countMax) throw error(field, "count " + count + " exceeds the limit of " + countMax);
        if (count * elementBytesMin > in.readableBytes()) {
            throw error(field, "count " + count + " needs at least " + count * elementBytesMin + " bytes, "
                    + in.readableBytes() + " remain");
        }
        return (int) count;
    }

    /** A u32 length followed by that many bytes, copied out of the buffer. */
    byte[] bytes(String field, int lengthMax) {
        int length = count(field, lengthMax, 1);
        byte[] bytes = new byte[length];
        in.readBytes(bytes);
        return bytes;
    }

    /** {@code length} bytes of UTF-8 text (the length already read). */
    String utf8(String field, int length) {
        if (length > in.readableBytes()) throw error(field, "truncated: " + length + " bytes announced, " + in.readableBytes() + " left");
        return in.readCharSequence(length, java.nio.charset.StandardCharsets.UTF_8).toString();
    }

    /** The input must be fully consumed. */
    void end() {
        if (in.isReadable()) throw error("end", in.readableBytes() + " trailing bytes");
    }

    CodecException error(String field, String problem) {
        String path = listName == null ? field : listName + "[" + elementIndex + "]." + field;
        return new CodecException(messageType, path, problem);
    }

    private void need(int bytes, String field) {
        if (in.readableBytes() < bytes) {
            throw error(field, "truncated: needs " + bytes + " bytes, " + in.readableBytes() + " remain");
        }
    }
}
