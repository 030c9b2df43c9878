package parley.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.ByteBufAllocator;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import parley.raft.RaftMessage;

/** HELLO, REFUSAL and BATCH frames: pinned layout, round trips, strict decoding of bad bodies. */
class FrameCodecTest {
    private static final HexFormat HEX = HexFormat.of();
    private final RaftMessageCodec codec = RaftMessageCodec.withDefaultLimits();

    @Test
    void helloLayoutIsPinned() {
        ByteBuf frame = FrameCodec.hello(ByteBufAllocator.DEFAULT, new Handshake.Hello(2, 1, 77, 2, 3));
        try {
            assertEquals("0000002b" + "01" + "50524c59" + "0002" + "0001" + "000000000000004d"
                    + "0000000000000002" + "0000000000000003" + "0000000000000000" + "0000", hex(frame));
            frame.skipBytes(FrameCodec.LENGTH_FIELD_BYTES);
            assertEquals(new Handshake.Hello(2, 1, 77, 2, 3), FrameCodec.readHandshake(frame));
        } finally {
            frame.release();
        }
    }

    @Test
    void helloCarriesTheBootIdAndTheClusterIdentityAndARefusalItsKind() {
        Handshake.Hello hello = new Handshake.Hello(FrameCodec.PROTOCOL_VERSION, 3, 77, 2, 3, -42, "cluster 'x' founded by members [1, 2]");
        ByteBuf frame = FrameCodec.hello(ByteBufAllocator.DEFAULT, hello);
        ByteBuf refusal = FrameCodec.refusal(ByteBufAllocator.DEFAULT, new Handshake.Refusal("node 2 is already connected", true));
        try {
            frame.skipBytes(FrameCodec.LENGTH_FIELD_BYTES);
            assertEquals(hello, FrameCodec.readHandshake(frame));
            refusal.skipBytes(FrameCodec.LENGTH_FIELD_BYTES);
            assertEquals(new Handshake.Refusal("node 2 is already connected", true), FrameCodec.readHandshake(refusal));
        } finally {
            frame.release();
            refusal.release();
        }
    }

    @Test
    void refusalCarriesItsReasonTruncatedToTheLimit() {
        String longReason = "x".repeat(FrameCodec.REFUSAL_REASON_BYTES_MAX + 100);
        ByteBuf frame = FrameCodec.refusal(ByteBufAllocator.DEFAULT, longReason);
        try {
            assertEquals(4 + FrameCodec.REFUSAL_REASON_BYTES_MAX, frame.readInt());
            var refusal = (Handshake.Refusal) FrameCodec.readHandshake(frame);
            assertEquals(FrameCodec.REFUSAL_REASON_BYTES_MAX, refusal.reason().length());
        } finally {
            frame.release();
        }
    }

    @Test
    void batchRoundTripsEveryType() {
        List<RaftMessage> messages = SampleMessages.oneOfEach();
        int bodyBytes = FrameCodec.BATCH_HEADER_BYTES;
        for (RaftMessage message : messages) bodyBytes += codec.encodedSizeBytes(message);
        ByteBuf frame = FrameCodec.batch(ByteBufAllocator.DEFAULT, messages, bodyBytes, codec);
        try {
            assertEquals(bodyBytes, frame.readInt());
            List<RaftMessage> decoded = new ArrayList<>();
            FrameCodec.readBatch(frame, codec, decoded);
            Structural.assertSame(messages, decoded);
        } finally {
            frame.release();
        }
    }

    @Test
    void batchCountThatCannotFitIsRefused() {
        ByteBuf body = Unpooled.wrappedBuffer(HEX.parseHex("03" + "00000003" + "0b0000000000000001"));
        CodecException e = assertThrows(CodecException.class, () -> FrameCodec.readBatch(body, codec, new ArrayList<>()));
        assertEquals("batch", e.messageType());
        assertEquals("messageCount", e.field());
    }

    @Test
    void handshakeExpectedButBatchReceived() {
        ByteBuf body = Unpooled.wrappedBuffer(HEX.parseHex("03" + "00000000"));
        assertEquals("type", assertThrows(CodecException.class, () -> FrameCodec.readHandshake(body)).field());
    }

    @Test
    void wrongMagicIsNotAParleyPeer() {
        ByteBuf body = Unpooled.wrappedBuffer(HEX.parseHex("01" + "47455420" + "00".repeat(28)));
        assertEquals("magic", assertThrows(CodecException.class, () -> FrameCodec.readHandshake(body)).field());
    }

    @Property(tries = 1000)
    void randomBodiesOnlyEverThrowCodecException(@ForAll @Size(max = 200) byte[] body) {
        try {
            FrameCodec.readHandshake(Unpooled.wrappedBuffer(body));
        } catch (CodecException expected) {
            // allowed
        }
        byte[] batch = body.clone();
        if (batch.length > 0) batch[0] = FrameCodec.TYPE_BATCH;
        try {
            FrameCodec.readBatch(Unpooled.wrappedBuffer(batch), codec, new ArrayList<>());
        } catch (CodecException expected) {
            // allowed
        }
    }

    private static String hex(ByteBuf buf) {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), bytes);
        return HEX.formatHex(bytes);
    }
}
