package parley.server;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import parley.replica.KvReplica;
import parley.transport.CodecException;
import parley.transport.MessageCodec;
import parley.transport.RaftMessageCodec;

/**
 * Encodes {@link PeerMessage}s: Raft's messages exactly as {@link RaftMessageCodec} does (tags below
 * 100), and forwarded client requests and replies with tags 100 and 101:
 * {@code [tag][requestId i64][kind u8 | result length i32][bytes][error length u16][error utf-8]};
 * SWIM's messages with tag 102 followed by {@link SwimCodec}'s encoding.
 *
 * <p>Raft messages are addressed by group ({@link parley.host.ReplicaHost}). The default keyspace's
 * group, which carries nearly all traffic today, travels bare; any other group's message is wrapped
 * as {@code [103][groupId i64][Raft message]}. The codec's version (checked in the peer handshake)
 * names this layout (version 4: forwarded requests name their group; 5: node pings, tag 104 and a
 * boot id; 6: forwarded requests carry the registry revision they were routed by; 7: answers larger
 * than a part travel in parts, tag 105 {@code [requestId i64][partIndex i32][partCount i32][length i32][bytes]}), so a member speaking another one is refused at connect rather than misread.
 */
public final class PeerMessageCodec implements MessageCodec<PeerMessage> {
    private static final int TAG_FORWARD = 100;
    private static final int TAG_FORWARD_REPLY = 101;
    private static final int TAG_SWIM = 102;
    private static final int TAG_GROUP = 103;
    private static final int TAG_NODE_PING = 104;
    private static final int TAG_FORWARD_REPLY_PART = 105;
    private static final int PAYLOAD_BYTES_MAX = 64 << 20;

    private final RaftMessageCodec raft = RaftMessageCodec.withDefaultLimits();

    @Override public int version() { return raft.version() * 100 + 7; }

    @Override public int encodedSizeBytesMin() { return raft.encodedSizeBytesMin(); }

    @Override
    public int encodedSizeBytes(PeerMessage message) {
        return switch (message) {
            case PeerMessage.Raft r -> (r.groupId() == KvReplica.DEFAULT_GROUP_ID ? 0 : 1 + 8) + raft.encodedSizeBytes(r.message());
            case PeerMessage.Forward f -> 1 + 8 + 8 + 8 + 1 + 4 + f.payload().length;
            case PeerMessage.ForwardReply r -> 1 + 8 + 4 + (r.result() == null ? 0 : r.result().length) + 2 + errorBytes(r).length;
            case PeerMessage.Swim swim -> 1 + SwimCodec.encodedSizeBytes(swim.message());
            case PeerMessage.NodePing ping -> 1 + 8;
            case PeerMessage.ForwardReplyPart part -> 1 + 8 + 4 + 4 + 4 + part.bytes().length;
        };
    }

    @Override
    public void encode(PeerMessage message, ByteBuf out) {
        switch (message) {
            case PeerMessage.Raft r -> {
                if (r.groupId() != KvReplica.DEFAULT_GROUP_ID) out.writeByte(TAG_GROUP).writeLong(r.groupId());
                raft.encode(r.message(), out);
            }
            case PeerMessage.Forward f -> out.writeByte(TAG_FORWARD).writeLong(f.requestId()).writeLong(f.groupId()).writeLong(f.routedAt()).writeByte(f.kind().ordinal())
                    .writeInt(f.payload().length).writeBytes(f.payload());
            case PeerMessage.ForwardReply r -> {
                byte[] error = errorBytes(r);
                out.writeByte(TAG_FORWARD_REPLY).writeLong(r.requestId());
                if (r.result() == null) out.writeInt(-1);
                else out.writeInt(r.result().length).writeBytes(r.result());
                out.writeShort(error.length).writeBytes(error);
            }
            case PeerMessage.Swim swim -> {
                out.writeByte(TAG_SWIM);
                SwimCodec.encode(swim.message(), out);
            }
            case PeerMessage.NodePing ping -> out.writeByte(TAG_NODE_PING).writeLong(ping.bootId());
            case PeerMessage.ForwardReplyPart part -> out.writeByte(TAG_FORWARD_REPLY_PART).writeLong(part.requestId())
                    .writeInt(part.partIndex()).writeInt(part.partCount()).writeInt(part.bytes().length).writeBytes(part.bytes());
        }
    }

    @Override
    public PeerMessage decode(ByteBuf in) {
        int tag = in.getUnsignedByte(in.readerIndex());
        if (tag < TAG_FORWARD) return new PeerMessage.Raft(KvReplica.DEFAULT_GROUP_ID, raft.decode(in));
        in.skipBytes(1);
        if (tag == TAG_GROUP) {
            need(in, 8, "groupId");
            long groupId = in.readLong();
            if (in.readableBytes() == 0 || in.getUnsignedByte(in.readerIndex()) >= TAG_FORWARD) {
                throw new CodecException("PeerMessage", "group", "group " + groupId + " carries no Raft message");
            }
            return new PeerMessage.Raft(groupId, raft.decode(in));
        }
        if (tag == TAG_SWIM) return new PeerMessage.Swim(SwimCodec.decode(in));
        if (tag == TAG_NODE_PING) {
            need(in, 8, "bootId");
            return new PeerMessage.NodePing(in.readLong());
        }
        need(in, 8, "requestId");
        long requestId = in.readLong();
        if (tag == TAG_FORWARD) {
            need(in, 21, "groupId, routedAt and kind");
            long groupId = in.readLong();
            long routedAt = in.readLong();
            int kind = in.readUnsignedByte();
            if (kind >= PeerMessage.Kind.values().length) throw new CodecException("Forward", "kind", "unknown kind " + kind);
            return new PeerMessage.Forward(requestId, groupId, routedAt, PeerMessage.Kind.values()[kind], bytes(in, in.readInt(), "payload"));
        }
        if (tag == TAG_FORWARD_REPLY) {
            need(in, 4, "result");
            int length = in.readInt();
            byte[] result = length == -1 ? null : bytes(in, length, "result");
            need(in, 2, "error");
            byte[] error = bytes(in, in.readUnsignedShort(), "error");
            return new PeerMessage.ForwardReply(requestId, result, error.length == 0 ? null : new String(error, StandardCharsets.UTF_8));
        }
        if (tag == TAG_FORWARD_REPLY_PART) {
            need(in, 8, "partIndex and partCount");
            int partIndex = in.readInt();
            int partCount = in.readInt();
            if (partCount < 2 || partCount > Forwarder.REPLY_PARTS_MAX || partIndex < 0 || partIndex >= partCount) {
                throw new CodecException("ForwardReplyPart", "partIndex", "part " + partIndex + " of " + partCount);
            }
            need(in, 4, "bytes");
            return new PeerMessage.ForwardReplyPart(requestId, partIndex, partCount, bytes(in, in.readInt(), "bytes"));
        }
        throw new CodecException("PeerMessage", "tag", "unknown tag " + tag);
    }

    private static byte[] errorBytes(PeerMessage.ForwardReply reply) {
        return reply.error() == null ? new byte[0] : reply.error().getBytes(StandardCharsets.UTF_8);
    }

    private static void need(ByteBuf in, int bytes, String field) {
        if (in.readableBytes() < bytes) throw new CodecException("PeerMessage", field, "truncated");
    }

    private static byte[] bytes(ByteBuf in, int length, String field) {
        if (length < 0 || length > PAYLOAD_BYTES_MAX || length > in.readableBytes()) {
            throw new CodecException("PeerMessage", field, "impossible length " + length);
        }
        byte[] out = new byte[length];
        in.readBytes(out);
        return out;
    }
}
