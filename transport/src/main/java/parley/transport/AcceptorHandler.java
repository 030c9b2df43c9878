package parley.transport;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.channel.ChannelFutureListener;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.handler.codec.TooLongFrameException;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The accepting end of one connection. First it checks the dialer's HELLO against the peer table and
 * answers HELLO or REFUSAL; then it decodes BATCH frames and hands each batch, as one task, to the
 * delivery executor. When too many batches wait there it stops reading, which pushes back on the
 * sender through TCP. Any protocol error closes the connection: the dialer redials and Raft retries.
 * All fields are confined to the channel's event loop.
 */
final class AcceptorHandler<M> extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(AcceptorHandler.class.getName());

    private final TransportContext<M> context;
    private long peerId;
    private boolean established;
    private boolean closing;
    private int batchesPending;
    private ScheduledFuture<?> handshakeTimeout;

    AcceptorHandler(TransportContext<M> context) {
        this.context = context;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        context.inbound().onAccepted(ctx.channel());
        handshakeTimeout = ctx.executor().schedule(() -> {
            LOG.log(Level.WARNING, () -> "node " + context.nodeId() + ": closing "
                    + ctx.channel().remoteAddress() + ": no handshake within "
                    + context.config().handshakeTimeoutMs() + " ms");
            ctx.close();
        }, context.config().handshakeTimeoutMs(), TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf body = (ByteBuf) msg;
        try {
            if (closing) {
                return; // a refusal or error is on its way out; read nothing more
            } else if (established) {
                onBatch(ctx, body);
            } else {
                onHello(ctx, body);
            }
        } catch (CodecException e) {
            closeForError(ctx, "malformed frame: " + e.getMessage());
        } finally {
            body.release();
        }
    }

    private void onHello(ChannelHandlerContext ctx, ByteBuf body) {
        if (!(FrameCodec.readHandshake(body) instanceof Handshake.Hello hello)) {
            closeForError(ctx, "expected HELLO, got a REFUSAL");
            return;
        }
        handshakeTimeout.cancel(false);
        String identityRefusal = context.identity().refusalOf(hello);
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        String refusal = identityRefusal != null || tls == null ? identityRefusal : certificateProblem(tls, hello.senderNodeId());
        String duplicate = refusal != null ? null : context.inbound().duplicateOf(hello.senderNodeId(), hello.bootId(), System.nanoTime());
        if (refusal != null || duplicate != null) {
            closing = true;
            context.counters().onHandshakeRefused();
            String reason = refusal != null ? refusal : duplicate;
            String from = String.valueOf(ctx.channel().remoteAddress());
            context.problems().report("refusing node " + hello.senderNodeId(), "node " + context.nodeId() + ": refusing connection from " + from + ": " + reason);
            ctx.writeAndFlush(FrameCodec.refusal(ctx.alloc(), new Handshake.Refusal(reason, duplicate != null)))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        established = true;
        peerId = hello.senderNodeId();
        context.inbound().onEstablished(peerId, hello.bootId(), ctx.channel(), System.nanoTime());
        ctx.writeAndFlush(FrameCodec.hello(ctx.alloc(), context.identity().helloTo(peerId)));
        LOG.log(Level.DEBUG, () -> "node " + context.nodeId() + ": accepted node " + peerId + " from "
                + ctx.channel().remoteAddress());
    }

    private String certificateProblem(SslHandler tls, long senderNodeId) {
        try {
            return context.identity().certificateProblem(senderNodeId, tls.engine().getSession().getPeerCertificates());
        } catch (SSLPeerUnverifiedException noCertificate) {
            return "node " + senderNodeId + " presented no certificate";
        }
    }

    private void onBatch(ChannelHandlerContext ctx, ByteBuf body) {
        int frameBytes = FrameCodec.LENGTH_FIELD_BYTES + body.readableBytes();
        List<M> messages = new ArrayList<>();
        FrameCodec.readBatch(body, context.codec(), messages);
        context.counters().onFrameReceived(messages.size(), frameBytes);
        context.inbound().heard(peerId, ctx.channel(), System.nanoTime());
        if (!messages.isEmpty()) deliver(ctx, messages);
    }

    private void deliver(ChannelHandlerContext ctx, List<M> messages) {
        long from = peerId;
        MessageReceiver<M> receiver = context.receiver();
        Runnable delivery = () -> {
            try {
                for (M message : messages) receiver.receive(from, message);
            } finally {
                onDeliveredLater(ctx);
            }
        };
        try {
            context.deliveryExecutor().execute(delivery);
        } catch (RejectedExecutionException e) {
            context.counters().onDropped(DropReason.DELIVERY_REJECTED, messages.size());
            return;
        }
        batchesPending++;
        if (batchesPending >= context.config().inboundBatchesPendingMax()) ctx.channel().config().setAutoRead(false);
    }

    /** Runs on the delivery executor: hops back to the event loop to account for the delivered batch. */
    private void onDeliveredLater(ChannelHandlerContext ctx) {
        try {
            ctx.executor().execute(() -> {
                batchesPending--;
                if (batchesPending < context.config().inboundBatchesPendingMax() && !ctx.channel().config().isAutoRead()) {
                    ctx.channel().config().setAutoRead(true);
                }
            });
        } catch (RejectedExecutionException e) {
            // The transport is shutting down; nothing left to resume.
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (handshakeTimeout != null) handshakeTimeout.cancel(false);
        if (established) {
            context.inbound().onClosed(peerId, ctx.channel());
            LOG.log(Level.DEBUG, () -> "node " + context.nodeId() + ": connection from node " + peerId + " closed");
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            closeForError(ctx, "frame exceeds frameBytesMax " + context.config().frameBytesMax() + " (" + cause.getMessage() + ")");
        } else if (cause instanceof IOException) {
            LOG.log(Level.DEBUG, () -> "node " + context.nodeId() + ": connection from "
                    + ctx.channel().remoteAddress() + " failed: " + cause.toString());
            ctx.close();
        } else {
            closeForError(ctx, cause.toString());
        }
    }

    private void closeForError(ChannelHandlerContext ctx, String reason) {
        if (closing) return;
        closing = true;
        context.counters().onInboundError();
        String who = established ? "node " + peerId : String.valueOf(ctx.channel().remoteAddress());
        LOG.log(Level.WARNING, () -> "node " + context.nodeId() + ": closing connection from " + who + ": " + reason);
        ctx.close();
    }
}
