package parley.etcdapi;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.ServerChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The etcd v3 API on a gRPC server: KV, Watch, Lease, Cluster and Maintenance over one
 * {@link EtcdBackend}. etcd's clients (etcdctl, jetcd, clientv3) talk to it unchanged.
 *
 * <p>Handlers never block: they map the request, hand it to the backend and return, and the answer is
 * sent from whichever thread completes the backend's future. So they run directly on the network
 * threads, with no executor hop. A server node runs them on its own event loop (see
 * {@link #start(String, int, io.grpc.ServerCredentials, EventLoopGroup, Class)}).
 */
public final class EtcdGrpcServer implements AutoCloseable {
    /** How long after a forced shutdown to wait for the network threads. */
    private static final long FORCED_STOP_WAIT_MS = 1_000;
    /** etcd's server-side keepalive policy: clients may ping every 5 s, with or without calls. */
    private static final long CLIENT_PING_INTERVAL_MS_MIN = 5_000;
    /** HTTP/2 flow-control window per stream and connection. */
    private static final int FLOW_CONTROL_WINDOW_BYTES = 1 << 20;
    /**
     * Streams one client connection may have open at once (HTTP/2's SETTINGS_MAX_CONCURRENT_STREAMS;
     * etcd leaves it unlimited). A client past it waits for a stream to end before it may open another:
     * its gRPC library queues the call, nothing is refused, and no connection holds unbounded work.
     */
    static final int STREAMS_PER_CONNECTION_MAX = 10_000;

    private final EtcdApiConfig config;
    private final Replies replies;
    private final WatchService watchService;
    private final LeaseService leaseService;
    private final InflightLimit inflight;
    private final ScheduledExecutorService timer;
    private Server server;
    private final java.util.List<io.grpc.ServerServiceDefinition> extraServices = new java.util.ArrayList<>();

    public EtcdGrpcServer(EtcdBackend backend, EtcdApiConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.replies = new Replies(Objects.requireNonNull(backend, "backend"), config);
        this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "parley-etcdapi-timer");
            thread.setDaemon(true);
            return thread;
        });
        this.watchService = new WatchService(replies, timer);
        this.leaseService = new LeaseService(replies);
        this.inflight = new InflightLimit(config.inflightRequestsMax(), config.inflightBytesMax());
    }

    /** Unary requests being worked on now (bounded by {@link EtcdApiConfig#inflightRequestsMax()}). */
    public int inflightRequests() {
        return inflight.requests();
    }

    /**
     * While {@code shed} says so, requests that add data (put, txn, lease grant) are refused with
     * etcd's "too many requests"; reads, deletes and compactions pass. For a runtime short of memory.
     */
    public void shedWritesWhen(java.util.function.BooleanSupplier shed) {
        inflight.shedWrites(shed);
    }

    /** Requests refused with "too many requests" so far because an in-flight bound was reached or writes were shed. */
    public long refusedTooManyRequests() {
        return inflight.refused();
    }

    /**
     * Binds {@code host:port} (port 0: any free port) and starts serving. Returns the bound port.
     *
     * @throws IOException when the address cannot be bound
     */
    public synchronized int start(String host, int port) throws IOException {
        return start(host, port, null);
    }

    /**
     * Like {@link #start(String, int)}, serving TLS with {@code credentials} (for example
     * {@code TlsServerCredentials.create(certFile, keyFile)}); null serves plaintext.
     */
    public synchronized int start(String host, int port, io.grpc.ServerCredentials credentials) throws IOException {
        return start(host, port, credentials, null, null);
    }

    /**
     * Like {@link #start(String, int, io.grpc.ServerCredentials)}, with the sockets (listening and
     * accepted) on {@code ioGroup}, whose channels are of {@code channelType}; a null group leaves gRPC
     * its own loops. A server passes its node's event loop: a request then reaches the node, and the
     * node's reply reaches the socket, with no hand-off between threads (each one a wake-up system call
     * and tens of microseconds). The group stays the caller's to shut down.
     */
    public synchronized int start(String host, int port, io.grpc.ServerCredentials credentials, EventLoopGroup ioGroup,
                                  Class<? extends ServerChannel> channelType) throws IOException {
        if (server != null) {
            throw new IllegalStateException("etcd API server already started on port " + server.getPort());
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        NettyServerBuilder builder = credentials == null ? NettyServerBuilder.forAddress(address)
                : NettyServerBuilder.forAddress(address, credentials);
        if (ioGroup != null) {
            builder.bossEventLoopGroup(ioGroup).workerEventLoopGroup(ioGroup).channelType(Objects.requireNonNull(channelType, "channelType"));
        }
        LockService lockService = new LockService(replies);
        server = builder
                .directExecutor()
                // A fixed HTTP/2 window (gRPC's default size) instead of the automatic one, whose bandwidth
                // probing sends a PING with most requests that carry a body: a frame each way per request.
                .flowControlWindow(FLOW_CONTROL_WINDOW_BYTES)
                .maxInboundMessageSize(config.grpcInboundMessageBytesMax())
                .maxConcurrentCallsPerConnection(STREAMS_PER_CONNECTION_MAX)
                .permitKeepAliveTime(CLIENT_PING_INTERVAL_MS_MIN, TimeUnit.MILLISECONDS)
                .permitKeepAliveWithoutCalls(true)
                .addService(TxnRequestMarshaller.bind(new KvService(replies)))
                .addService(watchService)
                .addService(leaseService.definition())
                .addService(new ClusterService(replies))
                .addService(new MaintenanceService(replies))
                .addService(lockService)
                .addService(new ElectionService(replies, lockService))
                .addServices(extraServices)
                .intercept(Unimplemented.REWORD)
                .intercept(inflight) // outermost: a refused request costs no service any work
                .fallbackHandlerRegistry(Unimplemented.FALLBACK)
                .build()
                .start();
        return server.getPort();
    }

    /**
     * Serves {@code service} on the same port as etcd's (Parley's own admin API, for example). Call
     * before {@link #start}.
     */
    public synchronized void addService(io.grpc.ServerServiceDefinition service) {
        if (server != null) throw new IllegalStateException("addService after start");
        extraServices.add(service);
    }

    /** The bound port; the server must have started. */
    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("etcd API server not started");
        }
        return server.getPort();
    }

    /**
     * Stops accepting calls, ends open watch and keep-alive streams with etcd's "server stopped" (so
     * clients fail over now rather than after a timeout), lets unary calls in flight finish for up to
     * the configured grace period, then cuts whatever is left.
     */
    public synchronized void stop() {
        if (server == null) {
            timer.shutdownNow();
            replies.close();
            return;
        }
        server.shutdown();
        watchService.abortAll(EtcdErrors.of(EtcdBackendException.Reason.STOPPED));
        leaseService.abortAll(EtcdErrors.of(EtcdBackendException.Reason.STOPPED));
        try {
            if (!server.awaitTermination(config.shutdownGraceMs(), TimeUnit.MILLISECONDS)) {
                server.shutdownNow();
                server.awaitTermination(FORCED_STOP_WAIT_MS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException interrupted) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            timer.shutdownNow();
            replies.close();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
