package parley.transport;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The frame layer, protocol version {@value #PROTOCOL_VERSION}. Every frame is a u32 body length
 * followed by the body; a body never exceeds the configured {@code frameBytesMax}. The body starts with
 * a frame type byte:
 *
 * <pre>
 * type 1  HELLO    magic u32 ("PRLY"), protocolVersion u16, codecVersion u16, clusterId i64,
 *                  senderNodeId i64, receiverNodeId i64, bootId i64, identityLength u16, identity UTF-8
 * type 2  REFUSAL  reasonLength u16, reason UTF-8 (at most {@value #REFUSAL_REASON_BYTES_MAX} bytes),
 *                  kind u8 (0: refused; 1: another live process already speaks as the dialer's node id)
 * type 3  BATCH    messageCount u32, messages (each as its codec encodes it, back to back)
 * </pre>
 *
 * A connection carries messages one way, from the node that dialed to the node that accepted. The
 * dialer opens with HELLO; the acceptor answers HELLO or REFUSAL (then closes); after that only the
 * dialer sends, and only BATCH frames.
 */
final class FrameCodec {
    /** 2: HELLO carries a boot id and the cluster's identity in words; REFUSAL a kind. */
    static final int PROTOCOL_VERSION = 2;
    static final int LENGTH_FIELD_BYTES = 4;
    static final int MAGIC = 0x50524C59; // "PRLY"
    static final int TYPE_HELLO = 1;
    static final int TYPE_REFUSAL = 2;
    static final int TYPE_BATCH = 3;
    /** Body bytes of a BATCH before its messages: type and count. */
    static final int BATCH_HEADER_BYTES = 1 + 4;
    static final int HELLO_BODY_BYTES = 1 + 4 + 2 + 2 + 8 + 8 + 8 + 8 + 2;
    static final int REFUSAL_REASON_BYTES_MAX = 512;

    private FrameCodec() {}

    static ByteBuf hello(ByteBufAllocator alloc, Handshake.Hello hello) {
        byte[] identity = truncatedUtf8(hello.clusterIdentity());
        ByteBuf out = alloc.ioBuffer(LENGTH_FIELD_BYTES + HELLO_BODY_BYTES + identity.length);
        out.writeInt(HELLO_BODY_BYTES + identity.length).writeByte(TYPE_HELLO).writeInt(MAGIC)
                .writeShort(hello.protocolVersion()).writeShort(hello.codecVersion())
                .writeLong(hello.clusterId()).writeLong(hello.senderNodeId()).writeLong(hello.receiverNodeId())
                .writeLong(hello.bootId()).writeShort(identity.length).writeBytes(identity);
        return out;
    }

    static ByteBuf refusal(ByteBufAllocator alloc, String reason) {
        return refusal(alloc, new Handshake.Refusal(reason));
    }

    static ByteBuf refusal(ByteBufAllocator alloc, Handshake.Refusal refusal) {
        byte[] text = truncatedUtf8(refusal.reason());
        ByteBuf out = alloc.ioBuffer(LENGTH_FIELD_BYTES + 4 + text.length);
        out.writeInt(4 + text.length).writeByte(TYPE_REFUSAL).writeShort(text.length).writeBytes(text)
                .writeByte(refusal.duplicateNode() ? 1 : 0);
        return out;
    }

    /** Reads a HELLO or REFUSAL body (the length field already stripped). */
    static Handshake readHandshake(ByteBuf body) {
        WireReader r = new WireReader(body);
        r.begin("handshake");
        int type = r.u8("type");
        Handshake handshake = switch (type) {
            case TYPE_HELLO -> readHello(r);
            case TYPE_REFUSAL -> readRefusal(r, body);
            default -> throw r.error("type", "expected a HELLO or REFUSAL frame, got type " + type);
        };
        r.end();
        return handshake;
    }

    /**
     * Encodes {@code messages} as one BATCH frame, length field included. {@code bodyBytes} is the
     * precomputed body size: {@link #BATCH_HEADER_BYTES} plus every message's encoded size.
     */
    static <M> ByteBuf batch(ByteBufAllocator alloc, List<M> messages, int bodyBytes, MessageCodec<M> codec) {
        ByteBuf out = alloc.ioBuffer(LENGTH_FIELD_BYTES + bodyBytes);
        out.writeInt(bodyBytes).writeByte(TYPE_BATCH).writeInt(messages.size());
        for (M message : messages) codec.encode(message, out);
        if (out.readableBytes() != LENGTH_FIELD_BYTES + bodyBytes) {
            out.release();
            throw new IllegalStateException("batch body is " + (out.readableBytes() - LENGTH_FIELD_BYTES)
                    + " bytes, expected " + bodyBytes + ": encodedSizeBytes disagrees with encode");
        }
        return out;
    }

    /** Reads a BATCH body (the length field already stripped), appending its messages to {@code out}. */
    static <M> void readBatch(ByteBuf body, MessageCodec<M> codec, List<M> out) {
        WireReader r = new WireReader(body);
        r.begin("batch");
        int type = r.u8("type");
        if (type != TYPE_BATCH) throw r.error("type", "expected a BATCH frame, got type " + type);
        int count = r.count("messageCount", Integer.MAX_VALUE, codec.encodedSizeBytesMin());
        for (int i = 0; i < count; i++) out.add(codec.decode(body));
        r.begin("batch");
        r.end();
    }

    private static Handshake.Hello readHello(WireReader r) {
        r.begin("HELLO");
        int magic = r.i32("magic");
        if (magic != MAGIC) throw r.error("magic", String.format("not a Parley peer: magic 0x%08x", magic));
        int protocolVersion = r.u16("protocolVersion");
        int codecVersion = r.u16("codecVersion");
        long clusterId = r.i64("clusterId");
        long sender = r.i64("senderNodeId");
        long receiver = r.i64("receiverNodeId");
        if (protocolVersion < 2) {
            // An older peer: read what it sent, so the version check can name the mismatch.
            return new Handshake.Hello(protocolVersion, codecVersion, clusterId, sender, receiver);
        }
        long bootId = r.i64("bootId");
        int identityLength = r.u16("identityLength");
        if (identityLength > REFUSAL_REASON_BYTES_MAX) throw r.error("identityLength", "impossible identity length " + identityLength);
        return new Handshake.Hello(protocolVersion, codecVersion, clusterId, sender, receiver, bootId, r.utf8("identity", identityLength));
    }

    private static Handshake.Refusal readRefusal(WireReader r, ByteBuf body) {
        r.begin("REFUSAL");
        int length = r.u16("reasonLength");
        if (length > REFUSAL_REASON_BYTES_MAX || length > body.readableBytes()) {
            throw r.error("reasonLength", "impossible reason length " + length);
        }
        String reason = body.readCharSequence(length, StandardCharsets.UTF_8).toString();
        boolean duplicateNode = body.isReadable() && r.u8("kind") == 1;
        return new Handshake.Refusal(reason, duplicateNode);
    }

    private static byte[] truncatedUtf8(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= REFUSAL_REASON_BYTES_MAX) return bytes;
        // Cutting mid-character yields a replacement character on decode; acceptable in a log line.
        return java.util.Arrays.copyOf(bytes, REFUSAL_REASON_BYTES_MAX);
    }
}
