package parley.kv;

/**
 * The binary form of commands (what the Raft log carries) and results (what {@code apply} returns).
 *
 * <p>Layout: a format version byte ({@value #FORMAT_VERSION}), a tag byte naming the record type,
 * then the record's fields in declaration order. Longs are zigzag varints, byte strings and lists are
 * length-prefixed, flags are one byte, enums one byte holding etcd's wire number. The encoding of a
 * value is unique, so equal commands give equal bytes on every replica.
 *
 * <p>Decoding is strict and throws {@link IllegalArgumentException} naming the flaw; transactions
 * may nest at most {@value #TXN_DEPTH_MAX} deep, so hostile input cannot exhaust the stack.
 */
public final class KvCodec {
    /** The format version written first; a decoder refuses any other. */
    public static final int FORMAT_VERSION = 1;
    /** The deepest transaction nesting the codec accepts. */
    public static final int TXN_DEPTH_MAX = 64; // as deep as etcd's gRPC server parses

    private KvCodec() {}

    /** Why a txn nested {@code depth} deep is refused, when at most {@code depthMax} levels are accepted. */
    public static String txnTooDeep(int depth, int depthMax) {
        return "txn nests " + depth + " deep; at most " + depthMax + " levels are accepted";
    }

    public static byte[] encodeCommand(KvCommand command) {
        WireWriter out = new WireWriter(64);
        out.writeByte(FORMAT_VERSION);
        CommandCodec.write(out, command);
        return out.toByteArray();
    }

    public static KvCommand decodeCommand(byte[] bytes) {
        WireReader in = new WireReader(bytes, "kv command");
        readVersion(in);
        KvCommand command = CommandCodec.read(in);
        in.expectEnd();
        return command;
    }

    public static byte[] encodeResult(KvResult result) {
        WireWriter out = new WireWriter(64);
        out.writeByte(FORMAT_VERSION);
        ResultCodec.write(out, result);
        return out.toByteArray();
    }

    public static KvResult decodeResult(byte[] bytes) {
        WireReader in = new WireReader(bytes, "kv result");
        readVersion(in);
        KvResult result = ResultCodec.read(in);
        in.expectEnd();
        return result;
    }

    private static void readVersion(WireReader in) {
        int version = in.readByte();
        if (version != FORMAT_VERSION) {
            throw in.malformed("format version " + version + ", expected " + FORMAT_VERSION);
        }
    }

    static void writeRange(WireWriter out, KeyRange range) {
        out.writeBytes(range.key());
        out.writeBytes(range.rangeEnd());
    }

    static KeyRange readRange(WireReader in) {
        Bytes key = in.readBytes();
        return new KeyRange(key, in.readBytes());
    }
}
