package parley.transport;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The dialing end of one connection: sends HELLO, checks that the acceptor's answer names the peer
 * this node meant to reach, then tells its {@link OutboundPeer} that the connection is ready. After
 * the handshake the acceptor sends nothing, so anything it does send is a protocol error.
 * Fields are confined to the channel's event loop.
 */
final class DialerHandler extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(DialerHandler.class.getName());

    private final OutboundPeer<?> peer;
    private final TransportContext<?> context;
    private boolean established;
    private ScheduledFuture<?> handshakeTimeout;

    DialerHandler(OutboundPeer<?> peer, TransportContext<?> context) {
        this.peer = peer;
        this.context = context;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        handshakeTimeout = ctx.executor().schedule(() -> {
            fail(ctx, "no handshake reply within " + context.config().handshakeTimeoutMs() + " ms");
        }, context.config().handshakeTimeoutMs(), TimeUnit.MILLISECONDS);
        ctx.writeAndFlush(FrameCodec.hello(ctx.alloc(), context.identity().helloTo(peer.peerId())));
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf body = (ByteBuf) msg;
        try {
            if (established) {
                LOG.log(Level.WARNING, () -> "node " + context.nodeId() + ": node " + peer.peerId()
                        + " sent data on an outbound connection; closing it");
                ctx.close();
                return;
            }
            onReply(ctx, FrameCodec.readHandshake(body));
        } catch (CodecException e) {
            fail(ctx, "malformed handshake reply: " + e.getMessage());
        } finally {
            body.release();
        }
    }

    private void onReply(ChannelHandlerContext ctx, Handshake reply) {
        String problem = switch (reply) {
            case Handshake.Refusal refusal -> "refused: " + refusal.reason();
            case Handshake.Hello hello -> context.identity().problemWithReply(hello, peer.peerId());
        };
        if (problem != null) {
            fail(ctx, problem, reply instanceof Handshake.Refusal refusal && refusal.duplicateNode());
            return;
        }
        handshakeTimeout.cancel(false);
        established = true;
        peer.onEstablished(ctx.channel());
    }

    private void fail(ChannelHandlerContext ctx, String problem) {
        fail(ctx, problem, false);
    }

    private void fail(ChannelHandlerContext ctx, String problem, boolean refusedAsDuplicate) {
        if (!ctx.channel().isOpen()) return;
        context.counters().onHandshakeFailed();
        peer.onHandshakeFailed(problem, refusedAsDuplicate);
        ctx.close();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (established && ctx.channel().isWritable()) peer.onWritable();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (handshakeTimeout != null) handshakeTimeout.cancel(false);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Level level = cause instanceof IOException ? Level.DEBUG : Level.WARNING;
        LOG.log(level, () -> "node " + context.nodeId() + ": connection to node " + peer.peerId()
                + " failed: " + cause.toString());
        ctx.close();
    }
}
