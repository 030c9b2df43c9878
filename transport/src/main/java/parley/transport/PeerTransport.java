package parley.transport;

import io.grpc.netty.shaded.io.netty.bootstrap.ServerBootstrap;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelInitializer;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.SocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import parley.raft.RaftMessage;

/**
 * One node's connections to its peers: it accepts connections from them and dials each of them, and
 * carries messages both ways. See the {@linkplain parley.transport package documentation} for the
 * story and the wire format.
 *
 * <p>{@link #send} is thread-safe and non-blocking: it queues the message for the peer's connection and
 * returns; it never delivers synchronously. Inbound messages are handed to the {@link MessageReceiver}
 * on the delivery executor supplied here (the node's single event loop), in arrival order per peer when
 * that executor runs one task at a time.
 *
 * <p>Lifecycle: construct, {@link #start()} (binds the listener and starts dialing), {@link #close()}.
 * Messages sent before {@code start} wait in their peer's queue.
 *
 * @param <M> the protocol's message type
 */
public final class PeerTransport<M> implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PeerTransport.class.getName());
    private static final long SHUTDOWN_TIMEOUT_MS = 2000;

    private final TransportConfig config;
    private final TransportContext<M> context;
    private final PeerTls tls;
    private final EventLoopGroup group;
    /** Whether {@link #close()} shuts {@link #group} down (false when the caller lent it). */
    private final boolean ownsGroup;
    private final Map<Long, OutboundPeer<M>> peers = new ConcurrentHashMap<>();
    private volatile Channel listener;
    private volatile boolean started;
    private volatile boolean closed;
    /** Told when this process must not go on (another live process speaks as this node id). */
    private volatile java.util.function.Consumer<String> fatalHandler = reason -> { };
    private final java.util.concurrent.atomic.AtomicBoolean fatalReported = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * @param config           identity, addresses and limits
     * @param codec            the protocol's message codec
     * @param deliveryExecutor where {@code receiver} runs; a single-threaded executor keeps per-peer order
     * @param receiver         called with every inbound message
     * @param tls              TLS contexts, or {@link PeerTls#NONE}
     */
    public PeerTransport(TransportConfig config, MessageCodec<M> codec, Executor deliveryExecutor,
                         MessageReceiver<M> receiver, PeerTls tls) {
        this(config, codec, deliveryExecutor, receiver, tls, null);
    }

    /**
     * As above, with the sockets on {@code ioGroup} instead of {@code ioThreads} loops of its own: a
     * server lends its node's event loop, so messages reach the core on the thread that read them. The
     * group stays the caller's to shut down.
     */
    public PeerTransport(TransportConfig config, MessageCodec<M> codec, Executor deliveryExecutor,
                         MessageReceiver<M> receiver, PeerTls tls, EventLoopGroup ioGroup) {
        this.config = config;
        this.tls = tls;
        TransportCounters counters = new TransportCounters();
        long bootId = new java.security.SecureRandom().nextLong() | 1; // never 0, which means "unknown"
        IdentityCheck identity = new IdentityCheck(config.nodeId(), config.clusterId(), config.clusterIdentity(), bootId,
                codec.version(), peers::containsKey, id -> {
            OutboundPeer<M> peer = peers.get(id);
            return peer == null ? null : peer.address();
        });
        this.context = new TransportContext<>(config, codec, counters, identity, new InboundConnections(config.nodeId()),
                deliveryExecutor, receiver, new ProblemLog(), reason -> {
                    if (fatalReported.compareAndSet(false, true)) fatalHandler.accept(reason);
                });
        this.ownsGroup = ioGroup == null;
        this.group = ioGroup != null ? ioGroup : NettyIo.newGroup(config.ioThreads(),
                new DefaultThreadFactory("parley-transport-" + config.nodeId(), true));
        for (var peer : config.peers().entrySet()) addPeer(peer.getKey(), peer.getValue());
    }

    /**
     * Who hears that this process must stop: the peers keep refusing it because another live process
     * already speaks as its node id (a configuration mistake). Called at most once, on an I/O thread.
     */
    public void onFatal(java.util.function.Consumer<String> handler) {
        fatalHandler = java.util.Objects.requireNonNull(handler);
    }

    /** A transport for Raft messages, plaintext, with the codec's default limits. */
    public static PeerTransport<RaftMessage> forRaft(TransportConfig config, Executor deliveryExecutor,
                                                     MessageReceiver<RaftMessage> receiver) {
        return new PeerTransport<>(config, RaftMessageCodec.withDefaultLimits(), deliveryExecutor, receiver, PeerTls.NONE);
    }

    /** Binds the listener and starts dialing every peer. Throws if the address cannot be bound. */
    public synchronized void start() {
        if (closed) throw new IllegalStateException("transport of node " + config.nodeId() + " is closed");
        if (started) throw new IllegalStateException("transport of node " + config.nodeId() + " already started");
        try {
            listener = serverBootstrap().bind(config.listenAddress()).syncUninterruptibly().channel();
        } catch (Exception e) { // Netty rethrows the bind's IOException unchecked-style
            close();
            String why = e.getMessage() != null && e.getMessage().startsWith("bind(") && e.getMessage().contains(": ")
                    ? e.getMessage().substring(e.getMessage().lastIndexOf(": ") + 2) : String.valueOf(e.getMessage());
            throw new IllegalStateException("node " + config.nodeId() + " cannot listen for peers on "
                    + config.listenAddress().getHostString() + ":" + config.listenAddress().getPort() + " (peer-listen): " + why, e);
        }
        started = true;
        for (OutboundPeer<M> peer : peers.values()) peer.start();
        LOG.log(Level.INFO, () -> "node " + config.nodeId() + ": peer transport listening on "
                + listener.localAddress() + ", " + peers.size() + " peers");
    }

    /** The address the listener is bound to (with the actual port when configured with port 0). */
    public InetSocketAddress listenAddress() {
        Channel bound = listener;
        if (bound == null) throw new IllegalStateException("transport of node " + config.nodeId() + " is not started");
        return (InetSocketAddress) bound.localAddress();
    }

    /**
     * Queues {@code message} for node {@code to}. Thread-safe, non-blocking, never delivers
     * synchronously. A message to an unknown node, or beyond a full queue, is dropped and counted.
     */
    public void send(long to, M message) {
        if (message == null) throw new IllegalArgumentException("message must not be null");
        OutboundPeer<M> peer = peers.get(to);
        if (peer == null) {
            context.counters().onDropped(closed ? DropReason.TRANSPORT_CLOSED : DropReason.UNKNOWN_PEER, 1);
            return;
        }
        peer.offer(message);
    }

    /**
     * Adds node {@code id} at {@code address} to the peer table (after a membership change, say): this
     * node starts dialing it and accepts its connections.
     */
    public synchronized void addPeer(long id, InetSocketAddress address) {
        if (closed) throw new IllegalStateException("transport of node " + config.nodeId() + " is closed");
        if (id == config.nodeId()) throw new IllegalArgumentException("node " + id + " cannot be its own peer");
        if (address == null) throw new IllegalArgumentException("address of node " + id + " is required");
        if (peers.containsKey(id)) throw new IllegalArgumentException("node " + id + " is already a peer; remove it first");
        OutboundPeer<M> peer = new OutboundPeer<>(id, address, context, group.next(), tls);
        peers.put(id, peer);
        if (started) peer.start();
    }

    /** Removes node {@code id}: closes its connections both ways and drops what was queued for it. */
    public synchronized void removePeer(long id) {
        OutboundPeer<M> peer = peers.remove(id);
        if (peer == null) return;
        peer.close(DropReason.PEER_REMOVED);
        context.inbound().closePeer(id);
    }

    /** The ids in the peer table, sorted. */
    public SortedSet<Long> peerIds() {
        return new TreeSet<>(peers.keySet());
    }

    /** The current view of peer {@code id}, or empty when it is not in the table. */
    public Optional<PeerStatus> peerStatus(long id) {
        OutboundPeer<M> peer = peers.get(id);
        return peer == null ? Optional.empty() : Optional.of(peer.status());
    }

    /** Live counters, for metrics. */
    public TransportCounters counters() {
        return context.counters();
    }

    public long nodeId() {
        return config.nodeId();
    }

    /**
     * Stops listening, closes every connection, drops (counting) what is still queued and stops the
     * event loops, waiting a bounded time. Idempotent. Messages already handed to the delivery
     * executor are still delivered.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (listener != null) listener.close();
        for (OutboundPeer<M> peer : peers.values()) peer.close(DropReason.TRANSPORT_CLOSED);
        context.inbound().closeAll();
        if (ownsGroup) {
            group.shutdownGracefully(0, SHUTDOWN_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                    .awaitUninterruptibly(SHUTDOWN_TIMEOUT_MS * 2, TimeUnit.MILLISECONDS);
        }
        LOG.log(Level.DEBUG, () -> "node " + config.nodeId() + ": peer transport closed; " + context.counters());
    }

    private ServerBootstrap serverBootstrap() {
        return new ServerBootstrap()
                .group(group)
                .channel(NettyIo.serverSocketChannel(group))
                .option(ChannelOption.SO_BACKLOG, 128)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        Pipelines.acceptor(ch, tls.server(), config.frameBytesMax(), new AcceptorHandler<>(context));
                    }
                });
    }
}
