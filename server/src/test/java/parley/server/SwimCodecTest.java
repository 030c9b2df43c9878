package parley.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import parley.membership.MemberState;
import parley.membership.SwimMessage;
import parley.membership.Update;
import parley.transport.CodecException;

/** SWIM messages survive the peer codec byte for byte, and damaged bytes are refused cleanly. */
class SwimCodecTest {
    private final PeerMessageCodec codec = new PeerMessageCodec();

    @Test
    void everyKindRoundTripsWithItsSizeComputedExactly() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 2000; i++) {
            PeerMessage message = new PeerMessage.Swim(randomMessage(random));
            ByteBuf buf = Unpooled.buffer();
            codec.encode(message, buf);
            assertEquals(codec.encodedSizeBytes(message), buf.readableBytes(), message.toString());
            assertEquals(message, codec.decode(buf));
            assertEquals(0, buf.readableBytes(), "decode consumed exactly the message");
        }
    }

    @Test
    void everyTruncationAndAnUnknownKindAreCodecErrors() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200; i++) {
            ByteBuf buf = Unpooled.buffer();
            codec.encode(new PeerMessage.Swim(randomMessage(random)), buf);
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            for (int cut = 1; cut < bytes.length; cut++) {
                ByteBuf truncated = Unpooled.wrappedBuffer(bytes, 0, cut);
                assertThrows(CodecException.class, () -> codec.decode(truncated), "cut at " + cut + " of " + bytes.length);
            }
        }
        assertThrows(CodecException.class, () -> codec.decode(Unpooled.wrappedBuffer(new byte[] {102, 9, 0, 0})));
        // An update whose state byte names no state.
        ByteBuf bad = Unpooled.buffer();
        bad.writeByte(102).writeByte(4).writeShort(1).writeLong(1).writeLong(0).writeByte(17).writeLong(2).writeShort(0);
        assertThrows(CodecException.class, () -> codec.decode(bad));
    }

    private static SwimMessage randomMessage(SplittableRandom random) {
        List<Update> updates = new ArrayList<>();
        int count = random.nextInt(0, 9);
        for (int i = 0; i < count; i++) {
            String address = random.nextBoolean() ? "127.0.0.1:" + random.nextInt(1, 65536) : "nödé-" + random.nextInt(1000) + ":2380";
            updates.add(new Update(random.nextLong(1, 1 << 20), address, random.nextLong(0, 1000),
                    MemberState.values()[random.nextInt(MemberState.values().length)], random.nextLong(1, 1 << 20)));
        }
        long sequence = random.nextLong();
        return switch (random.nextInt(6)) {
            case 0 -> new SwimMessage.Ping(sequence, updates);
            case 1 -> new SwimMessage.Ack(sequence, updates);
            case 2 -> new SwimMessage.PingReq(sequence, random.nextLong(1, 100), updates);
            case 3 -> new SwimMessage.Nack(sequence, updates);
            case 4 -> new SwimMessage.Gossip(updates);
            default -> {
                int chunks = random.nextInt(1, 5);
                yield new SwimMessage.PushPull(random.nextBoolean(), random.nextInt(chunks), chunks, updates);
            }
        };
    }
}
