package parley.transport;

import io.grpc.netty.shaded.io.netty.bootstrap.Bootstrap;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelFuture;
import io.grpc.netty.shaded.io.netty.channel.ChannelInitializer;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoop;
import io.grpc.netty.shaded.io.netty.channel.WriteBufferWaterMark;
import io.grpc.netty.shaded.io.netty.channel.socket.SocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.ScheduledFuture;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Everything this node sends to one peer: a bounded queue that any thread may fill, and one outbound
 * connection, redialed with backoff whenever it fails. The first {@link #offer} after a flush schedules
 * one flush task on the peer's event loop; that task has a {@link BatchWriter} drain the whole queue
 * into as few frames as possible and flush once, so messages queued in the same turn share a write.
 * Messages wait in the queue while the peer is unreachable; when it is full, new ones are dropped.
 *
 * <p>Threading: {@link #offer} and {@link #status} are thread-safe. Everything else runs on the peer's
 * event loop, which owns the connection state; no locks.
 */
final class OutboundPeer<M> {
    private static final System.Logger LOG = System.getLogger(OutboundPeer.class.getName());

    private final long peerId;
    private final InetSocketAddress address;
    private final TransportContext<M> context;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final Backoff backoff;
    private final ArrayBlockingQueue<M> queue;
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final Runnable flushTask = this::flushQueued;
    private volatile boolean closed;
    private volatile boolean connected;
    private volatile String problem;
    /** A peer that refuses this process as a duplicate of its node id for this long means it: stop. */
    static final long DUPLICATE_FATAL_NS = 5_000_000_000L;

    // Confined to the event loop.
    private final BatchWriter<M> writer;
    private Channel channel; // the connection being dialed, or established when connected
    private boolean everConnected;
    private int failuresConsecutive;
    private ScheduledFuture<?> redialTimer;
    /** When the peer first refused this process as a duplicate, in the current run of refusals (0: none). */
    private long duplicateRefusedSinceNs;

    OutboundPeer(long peerId, InetSocketAddress address, TransportContext<M> context, EventLoop loop, PeerTls tls) {
        this.peerId = peerId;
        this.address = address;
        this.context = context;
        this.loop = loop;
        this.queue = new ArrayBlockingQueue<>(context.config().outboundQueueMessagesMax());
        this.backoff = new Backoff(context.config().reconnectBackoffMsMin(), context.config().reconnectBackoffMsMax());
        this.bootstrap = bootstrap(tls);
        this.writer = new BatchWriter<>(peerId, context);
    }

    long peerId() {
        return peerId;
    }

    InetSocketAddress address() {
        return address;
    }

    PeerStatus status() {
        return new PeerStatus(peerId, address, connected, queue.size(), connected ? null : problem);
    }

    /** Starts dialing. */
    void start() {
        loop.execute(this::dial);
    }

    /** Queues {@code message}, or drops and counts it. Never blocks; never sends on the caller's thread. */
    void offer(M message) {
        if (closed) {
            context.counters().onDropped(DropReason.TRANSPORT_CLOSED, 1);
            return;
        }
        if (!queue.offer(message)) {
            context.counters().onDropped(DropReason.QUEUE_FULL, 1);
            return;
        }
        if (flushScheduled.compareAndSet(false, true)) {
            try {
                loop.execute(flushTask);
            } catch (RejectedExecutionException e) {
                closed = true; // the event loop is gone: the transport is closing
            }
        }
        if (closed) dropQueued(DropReason.TRANSPORT_CLOSED); // lost a race with close()
    }

    /** Stops dialing, closes the connection and drops (counting) whatever is still queued. */
    void close(DropReason reason) {
        closed = true;
        try {
            loop.execute(() -> closeOnLoop(reason));
        } catch (RejectedExecutionException e) {
            dropQueued(reason);
        }
    }

    private void closeOnLoop(DropReason reason) {
        if (redialTimer != null) redialTimer.cancel(false);
        if (channel != null) channel.close();
        connected = false;
        dropQueued(reason);
    }

    private void dropQueued(DropReason reason) {
        int dropped = 0;
        while (queue.poll() != null) dropped++;
        if (dropped > 0) context.counters().onDropped(reason, dropped);
    }

    private void dial() {
        redialTimer = null;
        if (closed) return;
        context.counters().onConnectAttempt();
        ChannelFuture connect = bootstrap.connect(address);
        channel = connect.channel();
        Channel attempt = channel;
        attempt.closeFuture().addListener(f -> onClosed(attempt));
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                String cause = f.cause().getMessage() != null ? f.cause().getMessage() : f.cause().toString();
                problem = "cannot reach node " + peerId + " at " + address + ": " + cause;
                context.problems().report(dialKey(), "node " + context.nodeId() + ": " + problem
                        + " (retrying with backoff up to " + context.config().reconnectBackoffMsMax() + " ms)");
                attempt.close();
            }
        });
    }

    /** Called by the {@link DialerHandler} once the acceptor's reply checked out. */
    void onEstablished(Channel established) {
        if (closed || established != channel) {
            established.close();
            return;
        }
        context.counters().onConnectionEstablished(everConnected);
        LOG.log(everConnected ? Level.INFO : Level.DEBUG, () -> "node " + context.nodeId()
                + ": connected to node " + peerId + " at " + address);
        String connectedLine = "node " + context.nodeId() + ": connected to node " + peerId + " at " + address;
        context.problems().resolved(dialKey(), connectedLine);
        context.problems().resolved(handshakeKey(), connectedLine);
        problem = null;
        duplicateRefusedSinceNs = 0;
        everConnected = true;
        failuresConsecutive = 0;
        connected = true;
        flushQueued();
    }

    /**
     * The handshake failed: the peer refused this node (another cluster, a wrong address in a peer
     * table, a second process with this node id) or answered wrongly. Logged at a bounded rate.
     */
    void onHandshakeFailed(String why, boolean refusedAsDuplicate) {
        problem = "handshake with node " + peerId + " at " + address + " failed: " + why;
        context.problems().report(handshakeKey(), "node " + context.nodeId() + ": " + problem);
        if (!refusedAsDuplicate) {
            duplicateRefusedSinceNs = 0;
            return;
        }
        long nowNs = System.nanoTime();
        if (duplicateRefusedSinceNs == 0) {
            duplicateRefusedSinceNs = nowNs;
        } else if (nowNs - duplicateRefusedSinceNs >= DUPLICATE_FATAL_NS) {
            context.fatal().accept("node " + peerId + " at " + address + " keeps refusing this process: " + why);
        }
    }

    private String dialKey() {
        return "dial node " + peerId;
    }

    private String handshakeKey() {
        return "handshake node " + peerId;
    }

    void onWritable() {
        flushQueued();
    }

    private void onClosed(Channel closedChannel) {
        if (closedChannel != channel) return;
        channel = null;
        long delayMs;
        if (connected) {
            connected = false;
            LOG.log(Level.INFO, () -> "node " + context.nodeId() + ": connection to node " + peerId
                    + " lost; redialing");
            delayMs = backoff.delayMs(0, ThreadLocalRandom.current());
        } else {
            context.counters().onConnectFailure();
            delayMs = backoff.delayMs(failuresConsecutive, ThreadLocalRandom.current());
            failuresConsecutive = Math.min(failuresConsecutive + 1, 62);
        }
        if (!closed) redialTimer = loop.schedule(this::dial, delayMs, TimeUnit.MILLISECONDS);
    }

    /** Drains the queue into BATCH frames while the connection is writable. */
    private void flushQueued() {
        flushScheduled.set(false);
        if (connected) writer.drain(queue, channel);
    }

    private Bootstrap bootstrap(PeerTls tls) {
        TransportConfig config = context.config();
        int waterMarkHigh = Math.max(64 * 1024, config.frameBytesMax());
        OutboundPeer<M> self = this;
        return new Bootstrap()
                .group(loop)
                .channel(NettyIo.socketChannel(loop.parent()))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeoutMs())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(waterMarkHigh / 2, waterMarkHigh))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        Pipelines.dialer(ch, tls, address, config.frameBytesMax(), new DialerHandler(self, context));
                    }
                });
    }
}
