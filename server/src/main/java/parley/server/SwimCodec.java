package parley.server;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import parley.membership.MemberState;
import parley.membership.SwimMessage;
import parley.membership.Update;
import parley.transport.CodecException;

/**
 * The wire form of SWIM's messages, inside {@link PeerMessageCodec} under tag 102:
 * {@code [kind u8][fields][update count u16][updates]}, an update being
 * {@code [memberId i64][incarnation i64][state u8][fromId i64][address length u16][address utf-8]}.
 * Kinds: 0 Ping(sequence), 1 Ack(sequence), 2 PingReq(sequence, targetId), 3 Nack(sequence), 4 Gossip,
 * 5 PushPull(replyWanted u8, chunkIndex u16, chunkCount u16). Every length is checked against the bytes
 * present and the protocol's own bounds before anything is allocated.
 */
final class SwimCodec {
    /** Far above SwimConfig's caps on updates per message and per push-pull chunk; a sanity bound. */
    static final int UPDATES_MAX = 4096;

    private SwimCodec() {}

    static int encodedSizeBytes(SwimMessage message) {
        int size = 1 + switch (message) {
            case SwimMessage.Ping p -> 8;
            case SwimMessage.Ack a -> 8;
            case SwimMessage.PingReq r -> 16;
            case SwimMessage.Nack n -> 8;
            case SwimMessage.Gossip g -> 0;
            case SwimMessage.PushPull p -> 5;
        } + 2;
        for (Update update : message.gossip()) size += 8 + 8 + 1 + 8 + 2 + utf8(update.address()).length;
        return size;
    }

    static void encode(SwimMessage message, ByteBuf out) {
        switch (message) {
            case SwimMessage.Ping p -> out.writeByte(0).writeLong(p.sequence());
            case SwimMessage.Ack a -> out.writeByte(1).writeLong(a.sequence());
            case SwimMessage.PingReq r -> out.writeByte(2).writeLong(r.sequence()).writeLong(r.targetId());
            case SwimMessage.Nack n -> out.writeByte(3).writeLong(n.sequence());
            case SwimMessage.Gossip g -> out.writeByte(4);
            case SwimMessage.PushPull p -> out.writeByte(5).writeByte(p.replyWanted() ? 1 : 0)
                    .writeShort(p.chunkIndex()).writeShort(p.chunkCount());
        }
        out.writeShort(message.gossip().size());
        for (Update update : message.gossip()) {
            byte[] address = utf8(update.address());
            out.writeLong(update.memberId()).writeLong(update.incarnation()).writeByte(update.state().ordinal())
                    .writeLong(update.fromId()).writeShort(address.length).writeBytes(address);
        }
    }

    static SwimMessage decode(ByteBuf in) {
        need(in, 1, "kind");
        int kind = in.readUnsignedByte();
        return switch (kind) {
            case 0 -> { long sequence = readLong(in, "sequence"); yield new SwimMessage.Ping(sequence, updates(in)); }
            case 1 -> { long sequence = readLong(in, "sequence"); yield new SwimMessage.Ack(sequence, updates(in)); }
            case 2 -> {
                long sequence = readLong(in, "sequence");
                long target = readLong(in, "targetId");
                yield new SwimMessage.PingReq(sequence, target, updates(in));
            }
            case 3 -> { long sequence = readLong(in, "sequence"); yield new SwimMessage.Nack(sequence, updates(in)); }
            case 4 -> new SwimMessage.Gossip(updates(in));
            case 5 -> {
                need(in, 5, "chunk");
                boolean replyWanted = in.readUnsignedByte() != 0;
                int index = in.readUnsignedShort();
                int count = in.readUnsignedShort();
                if (count < 1 || index >= count) throw new CodecException("Swim.PushPull", "chunk", "chunk " + index + " of " + count);
                yield new SwimMessage.PushPull(replyWanted, index, count, updates(in));
            }
            default -> throw new CodecException("Swim", "kind", "unknown kind " + kind);
        };
    }

    private static List<Update> updates(ByteBuf in) {
        need(in, 2, "update count");
        int count = in.readUnsignedShort();
        if (count > UPDATES_MAX) throw new CodecException("Swim", "update count", count + " updates, at most " + UPDATES_MAX);
        List<Update> updates = new ArrayList<>(Math.min(count, in.readableBytes() / 27 + 1));
        MemberState[] states = MemberState.values();
        for (int i = 0; i < count; i++) {
            need(in, 27, "update");
            long memberId = in.readLong();
            long incarnation = in.readLong();
            int state = in.readUnsignedByte();
            long fromId = in.readLong();
            int addressLength = in.readUnsignedShort();
            if (state >= states.length) throw new CodecException("Swim", "state", "unknown state " + state);
            if (incarnation < 0) throw new CodecException("Swim", "incarnation", "negative incarnation " + incarnation);
            if (addressLength > 3 * Update.ADDRESS_CHARS_MAX) {
                throw new CodecException("Swim", "address", "address of " + addressLength + " bytes");
            }
            need(in, addressLength, "address");
            byte[] address = new byte[addressLength];
            in.readBytes(address);
            String text = new String(address, StandardCharsets.UTF_8);
            if (text.length() > Update.ADDRESS_CHARS_MAX) throw new CodecException("Swim", "address", "address too long");
            updates.add(new Update(memberId, text, incarnation, states[state], fromId));
        }
        return updates;
    }

    private static long readLong(ByteBuf in, String field) {
        need(in, 8, field);
        return in.readLong();
    }

    private static void need(ByteBuf in, int bytes, String field) {
        if (in.readableBytes() < bytes) throw new CodecException("Swim", field, "truncated");
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
