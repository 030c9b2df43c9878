package parley.server;

import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import parley.etcdapi.EtcdApiConfig;
import parley.etcdapi.EtcdGrpcServer;
import parley.raft.ClusterConfig;
import parley.raft.RaftMessage;
import parley.replica.RaftNodeFactory;
import parley.replica.ReplicaSettings;
import parley.raft.RaftRole;
import parley.transport.NettyIo;
import parley.transport.PeerTls;
import parley.transport.PeerTransport;
import parley.transport.TransportConfig;
import parley.wal.FileRaftStorage;
import parley.membership.SwimConfig;
import parley.wal.WalConfig;
import parley.wal.WalFailedException;
import parley.wal.WalObserver;

/**
 * One Parley server process, assembled: the write-ahead log on disk, the Netty peer transport, the
 * Raft KV replica on its event loop, and the HTTP side door. Built from a {@link ServerConfig};
 * closed in the reverse order.
 */
public final class ServerNode implements AutoCloseable {
    /** What the node's state engines hold, on disk and in native memory. */
    private static com.fasterxml.jackson.databind.JsonNode engineJson(parley.engine.rocks.RocksEngines engines) {
        var json = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        json.put("sizeBytes", engines.sizeBytes());
        json.put("liveSizeBytes", engines.liveSizeBytes());
        json.put("blockCacheBytes", engines.blockCacheUsageBytes());
        json.put("blockCacheBytesMax", engines.settings().blockCacheBytes() + engines.settings().memtableBytesMax()); // memtables are charged to it
        json.put("memtableBytes", engines.memtableUsageBytes());
        json.put("memtableBytesMax", engines.settings().memtableBytesMax());
        return json;
    }

    private static final System.Logger LOG = System.getLogger(ServerNode.class.getName());

    private final ServerConfig config;
    private final EventLoop loop;
    private final GroupFiles storage;
    private final PeerTransport<PeerMessage> transport;
    private final RaftKvNode node;
    private final NodeMetrics metrics;
    private final HttpObservability http;
    private final EtcdGrpcServer grpc;
    private final MembershipRuntime membership;
    private final FaultHooks faults;
    private final java.util.List<Runnable> closers = new java.util.ArrayList<>();

    private ServerNode(ServerConfig config, EventLoop loop, GroupFiles storage, PeerTransport<PeerMessage> transport,
                       RaftKvNode node, NodeMetrics metrics, HttpObservability http, EtcdGrpcServer grpc,
                       MembershipRuntime membership, FaultHooks faults) {
        this.membership = membership;
        this.faults = faults;
        this.config = config;
        this.loop = loop;
        this.storage = storage;
        this.transport = transport;
        this.node = node;
        this.metrics = metrics;
        this.http = http;
        this.grpc = grpc;
    }

    /** Opens the data directory (recovering it), connects to the peers and starts serving. */
    public static ServerNode start(ServerConfig config) throws IOException {
        return start(config, RaftNodeFactory.STANDARD);
    }

    /** As {@link #start(ServerConfig)}, with the Raft core made by {@code raftNodes} (test code plants bugs here). */
    public static ServerNode start(ServerConfig config, RaftNodeFactory raftNodes) throws IOException {
        FaultHooks faults = config.faultInjection() ? new FaultHooks() : null;
        java.util.function.LongSupplier clockNs = faults == null ? System::nanoTime : faults::nowNs;
        EventLoop loop = new EventLoop("parley-node-" + config.nodeId());
        AtomicReference<RaftKvNode> nodeRef = new AtomicReference<>();
        AtomicReference<NodeMetrics> metricsRef = new AtomicReference<>();
        WalObserver observer = new WalObserver() {
            @Override public void onFsync(long latencyNs, long recordsCovered) {
                NodeMetrics m = metricsRef.get();
                if (m != null) m.fsync(latencyNs);
            }

            @Override public void onFailure(WalFailedException failure) {
                LOG.log(System.Logger.Level.ERROR, "write-ahead log failed; this node stops accepting writes: " + failure.getMessage());
                RaftKvNode node = nodeRef.get();
                if (node != null) node.stepDownForDiskFailure(failure.getMessage(), failure.noSpace());
            }
        };
        WalConfig walConfig = new WalConfig(WalConfig.DEFAULT.segmentBytesMax(), config.walRecordBytesMax(),
                faults == null ? WalConfig.DEFAULT.channelFactory() : faults.channelFactory(WalConfig.DEFAULT.channelFactory()), observer)
                .withInlineSync(true);
        GroupFiles storage = new GroupFiles(config.dataDir(), walConfig, config.engineSettings(), loop, (group, syncId) -> nodeRef.get().syncedOnLoop(group, syncId));
        // Whatever fails from here on, what was started is stopped again: a node that cannot start leaves nothing running.
        java.util.Deque<AutoCloseable> started = new java.util.ArrayDeque<>();
        started.push(loop);
        started.push(storage);
        try {
            return start(config, raftNodes, faults, clockNs, loop, storage, nodeRef, metricsRef, started);
        } catch (IOException | RuntimeException e) {
            while (!started.isEmpty()) {
                try {
                    started.pop().close();
                } catch (Exception closing) {
                    e.addSuppressed(closing);
                }
            }
            throw e;
        }
    }

    private static ServerNode start(ServerConfig config, RaftNodeFactory raftNodes, FaultHooks faults,
                                    java.util.function.LongSupplier clockNs, EventLoop loop, GroupFiles storage,
                                    AtomicReference<RaftKvNode> nodeRef, AtomicReference<NodeMetrics> metricsRef,
                                    java.util.Deque<AutoCloseable> started) throws IOException {
        ClusterIdentity.refuseLostLog(config.dataDir());
        var defaultStorage = storage.openDefault(); // a damaged data directory fails the start here, with its own message
        boolean empty = defaultStorage.lastIndex() == 0 && defaultStorage.hardState().term() == 0 && defaultStorage.snapshot().index() == 0;
        // An empty data directory that does not found a new cluster belongs to a member that is new or lost its data.
        ClusterIdentity identity = ClusterIdentity.loadOrRecord(config.dataDir(), ClusterIdentity.of(config, empty && !config.bootstrap()), empty);
        TransportConfig.Builder transportConfig = TransportConfig.builder(config.nodeId(), identity.id(),
                new InetSocketAddress(config.peerListen().host(), config.peerListen().port()))
                .clusterIdentity(identity.describe())
                .frameBytesMax(config.peerFrameBytesMax());
        for (ServerConfig.Member member : config.members().values()) {
            if (member.id() != config.nodeId()) {
                transportConfig.peer(member.id(), new InetSocketAddress(member.peer().host(), member.peer().port()));
            }
        }
        AtomicReference<Forwarder> forwarderRef = new AtomicReference<>();
        AtomicReference<MembershipRuntime> membershipRef = new AtomicReference<>();
        PeerTransport<PeerMessage> transport = new PeerTransport<>(transportConfig.build(), new PeerMessageCodec(), Runnable::run,
                (from, message) -> {
                    switch (message) {
                        case PeerMessage.Raft raft -> nodeRef.get().deliver(from, raft.groupId(), raft.message());
                        case PeerMessage.Forward forward -> forwarderRef.get().onForward(from, forward);
                        case PeerMessage.ForwardReply reply -> forwarderRef.get().onReply(reply);
                        case PeerMessage.ForwardReplyPart part -> forwarderRef.get().onReplyPart(part);
                        case PeerMessage.Swim swim -> membershipRef.get().deliver(from, swim.message());
                        case PeerMessage.NodePing ping -> nodeRef.get().pinged(from, ping.bootId());
                    }
                }, peerTls(config.peerTls()), loop.ioGroup());
        ReplicaSettings settings = ReplicaSettings.standard(config.electionTimeoutMsMin(), config.electionTimeoutMsMax(),
                config.heartbeatIntervalMs(), config.quotaBackendBytes(), config.historyRetentionRevisions())
                .withRaft(raft -> raft.quiesce(config.quiesce()).maxAppendBytes(config.raftEntryBytesMax()));
        ClusterConfig founders = ClusterConfig.of(new java.util.TreeSet<>(config.members().keySet()), java.util.Set.of());
        RaftKvNode node = new RaftKvNode(config.nodeId(), settings, storage, storage, loop,
                (to, group, message) -> transport.send(to, new PeerMessage.Raft(group, message)),
                (to, bootId) -> transport.send(to, new PeerMessage.NodePing(bootId)), founders, clockNs, raftNodes, true, config.bootstrap(),
                identity.lostState());
        nodeRef.set(node);
        started.push(node::close);
        Map<Long, String> swimMembers = new TreeMap<>();
        config.members().values().forEach(m -> swimMembers.put(m.id(), m.peer().toString()));
        MembershipRuntime membership = new MembershipRuntime(config.nodeId(), loop, swimMembers,
                (to, message) -> transport.send(to, new PeerMessage.Swim(message)), SwimConfig.defaults(), clockNs);
        membershipRef.set(membership);
        // Only a committed Raft configuration change takes a member out of the SWIM views.
        node.onMemberRemoved(membership::removeMember);
        Forwarder forwarder = new Forwarder(node, transport::send);
        forwarderRef.set(forwarder);
        NodeMetrics metrics = new NodeMetrics(node::status);
        metrics.membership(membership::view);
        metrics.groups(node::groups);
        metrics.watches(node::groups);
        metricsRef.set(metrics);
        node.metrics(metrics);
        node.start();
        membership.start();
        started.push(transport);
        transport.start(); // names the address it could not listen on
        AtomicReference<ServerNode> serverRef = new AtomicReference<>();
        transport.onFatal(reason -> {
            ServerNode server = serverRef.get();
            if (server != null) server.fail(reason);
        });
        // etcd's dbSize is its database file; here, the state engines' files. (The quota applies to the
        // store's key and value bytes, /status's storedBytes.)
        RaftBackend backend = new RaftBackend(node, config, identity.id(), storage.engines()::sizeBytes,
                storage.engines()::liveSizeBytes, forwarder, metrics, node::diskFailure);
        EtcdGrpcServer grpc = new EtcdGrpcServer(backend, etcdApiConfig(config));
        metrics.inflight(grpc::inflightRequests, grpc::refusedTooManyRequests);
        metrics.engines(storage.engines());
        MemoryGuard memory = MemoryGuard.forThisJvm();
        grpc.shedWritesWhen(memory::shedding);
        metrics.memoryShedding(memory::shedding);
        checkMemoryEvery(loop, memory, MEMORY_CHECK_INTERVAL_NS);
        KeyspaceAdminService keyspaceAdmin = new KeyspaceAdminService(node, backend);
        grpc.addService(keyspaceAdmin.definition());
        started.push(grpc::close);
        try {
            grpc.start(config.clientListen().host(), config.clientListen().port(), clientCredentials(config.clientTls()),
                    loop.ioGroup(), NettyIo.serverSocketChannel(loop.ioGroup()));
        } catch (IOException e) {
            throw new IOException("cannot listen for etcd clients on " + config.clientListen() + " (client-listen): " + bindProblem(e), e);
        }
        // HTTP last: once /health answers, the client API already listens (parley dev and scripts wait on /health).
        HttpObservability http;
        try {
            http = new HttpObservability(config.httpListen().host(), config.httpListen().port(), metrics, node::status, node::revision,
                    node::diskFailure);
        } catch (IOException e) {
            throw new IOException("cannot listen for HTTP (metrics, health, status) on " + config.httpListen() + " (http-listen): "
                    + bindProblem(e), e);
        }
        http.statusField("membership", () -> HttpObservability.membershipJson(membership.view()));
        http.statusField("storedBytes", () -> com.fasterxml.jackson.databind.node.LongNode.valueOf(node.storedBytes()));
        http.statusField("engine", () -> engineJson(storage.engines()));
        http.statusField("quotaBackendBytes", () -> com.fasterxml.jackson.databind.node.LongNode.valueOf(config.quotaBackendBytes()));
        http.statusField("groups", () -> groupsJson(node));
        http.statusField("peers", () -> peersJson(transport));
        http.addHandler("/state-hash", new StateHashPage(node));
        if (faults != null) http.addHandler("/fault/", faults::handle);
        ServerNode server = new ServerNode(config, loop, storage, transport, node, metrics, http, grpc, membership, faults);
        server.closeAlso(backend::close, forwarder::close, keyspaceAdmin::close);
        serverRef.set(server);
        return server;
    }

    /** What a bind failure says, without the exception class names around it. */
    private static String bindProblem(IOException e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getMessage() != null && !cause.getMessage().contains("in use")) cause = cause.getCause();
        String message = cause.getMessage() != null ? cause.getMessage() : cause.toString();
        int colon = message.lastIndexOf(": ");
        return message.startsWith("bind(") && colon > 0 ? message.substring(colon + 2) : message;
    }

    /** The peer table as this node's transport sees it: each peer's address, whether it is connected, and why not. */
    static com.fasterxml.jackson.databind.JsonNode peersJson(PeerTransport<PeerMessage> transport) {
        com.fasterxml.jackson.databind.node.ObjectNode out = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        for (long id : transport.peerIds()) {
            transport.peerStatus(id).ifPresent(status -> {
                com.fasterxml.jackson.databind.node.ObjectNode peer = out.putObject(Long.toString(id));
                peer.put("address", status.address().getHostString() + ":" + status.address().getPort());
                peer.put("connected", status.connected());
                if (status.problem() != null) peer.put("problem", status.problem());
            });
        }
        return out;
    }

    private volatile String fatalReason;
    /** Null: the default, which logs the reason and closes the node. */
    private volatile java.util.function.Consumer<String> onFatal;

    /**
     * This process must not go on (the peers keep refusing it: another live process speaks as its node
     * id). Says so in one line and tells whoever runs it (the CLI exits; by default the node closes).
     */
    private void fail(String reason) {
        fatalReason = reason;
        java.util.function.Consumer<String> handler = onFatal;
        if (handler != null) {
            handler.accept(reason);
            return;
        }
        LOG.log(System.Logger.Level.ERROR, "node " + config.nodeId() + " stops: " + reason);
        new Thread(this::close, "parley-fatal-stop").start();
    }

    /** Who hears that this node must stop (see {@link #fail}); replaces the default, which closes the node. */
    public void onFatal(java.util.function.Consumer<String> handler) {
        onFatal = handler;
        if (fatalReason != null) handler.accept(fatalReason);
    }

    /** Why this node had to stop, or null. */
    public String fatalReason() {
        return fatalReason;
    }

    /**
     * Every group this node hosts, keyed by group id: the keyspace it holds (the metadata group holds
     * the registry), and what the node believes of it. {@code parley cluster status} prints it.
     */
    static com.fasterxml.jackson.databind.JsonNode groupsJson(RaftKvNode node) {
        com.fasterxml.jackson.databind.node.ObjectNode out = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        java.util.Map<Long, String> names = new TreeMap<>();
        names.put(parley.keyspace.KeyspaceRegistry.METADATA_GROUP_ID, "(metadata)");
        names.put(parley.replica.KvReplica.DEFAULT_GROUP_ID, parley.keyspace.Keyspace.DEFAULT_NAME);
        for (parley.keyspace.Keyspace k : node.registry().keyspaces()) names.put(k.groupId(), k.name());
        for (RaftKvNode.GroupView view : new TreeMap<>(node.groups()).values()) {
            com.fasterxml.jackson.databind.node.ObjectNode group = out.putObject(Long.toString(view.groupId()));
            group.put("keyspace", names.getOrDefault(view.groupId(), "?"));
            group.put("role", view.status().role().name());
            group.put("term", view.status().term());
            group.put("leader", view.status().leaderId());
            group.put("commitIndex", view.status().commitIndex());
            group.put("appliedIndex", view.status().appliedIndex());
            group.put("revision", view.revision());
            group.put("storedBytes", view.storedBytes());
            group.put("quiesced", view.quiesced());
            group.put("catchingUp", view.catchingUp());
            group.put("watches", view.watches().watches());
            group.put("watchesBlocked", view.watches().blocked());
            group.put("watchBlockedBufferedEvents", view.watches().blockedBufferedEvents());
        }
        return out;
    }

    /** How often the memory guard looks at the heap. */
    private static final long MEMORY_CHECK_INTERVAL_NS = 500_000_000L;

    /** Runs {@code memory}'s check on the loop every {@code intervalNs} until the loop closes. */
    private static void checkMemoryEvery(EventLoop loop, MemoryGuard memory, long intervalNs) {
        loop.schedule(() -> {
            memory.check(System.nanoTime());
            checkMemoryEvery(loop, memory, intervalNs);
        }, intervalNs);
    }

    /**
     * The client port's limits: etcd's, with the bytes of requests in flight bounded by an eighth of
     * the heap as well (like the default quota), so a small heap is not promised 256 MiB of requests.
     */
    static EtcdApiConfig etcdApiConfig(ServerConfig config) {
        EtcdApiConfig defaults = EtcdApiConfig.defaults().withRequestBytesMax(config.maxRequestBytes());
        long inflightBytesMax = Math.max(config.maxRequestBytes(), Math.min(defaults.inflightBytesMax(), Runtime.getRuntime().maxMemory() / 8));
        return defaults.withInflightLimits(defaults.inflightRequestsMax(), inflightBytesMax);
    }

    /** Mutual TLS between members from PEM files; plaintext when not configured. */
    static PeerTls peerTls(ServerConfig.TlsFiles files) throws IOException {
        if (files == null) return PeerTls.NONE;
        SslContext server = SslContextBuilder
                .forServer(files.certFile().toFile(), files.keyFile().toFile())
                .trustManager(files.caFile().toFile()).clientAuth(ClientAuth.REQUIRE).build();
        SslContext client = SslContextBuilder.forClient()
                .keyManager(files.certFile().toFile(), files.keyFile().toFile())
                .trustManager(files.caFile().toFile()).build();
        return new PeerTls(server, client);
    }

    /** TLS for the client API from PEM files (client certificates required when a CA is given). */
    static io.grpc.ServerCredentials clientCredentials(ServerConfig.TlsFiles files) throws IOException {
        if (files == null) return null;
        io.grpc.TlsServerCredentials.Builder builder = io.grpc.TlsServerCredentials.newBuilder()
                .keyManager(files.certFile().toFile(), files.keyFile().toFile());
        if (files.caFile() != null) {
            builder.trustManager(files.caFile().toFile()).clientAuth(io.grpc.TlsServerCredentials.ClientAuth.REQUIRE);
        }
        return builder.build();
    }

    /** How long a closing node keeps its transport up so its leave reaches a few peers. */
    private static final long LEAVE_GOSSIP_MS = 100;

    public RaftKvNode node() { return node; }

    public MembershipRuntime membership() { return membership; }

    /** The fault-injection hooks, or null unless the config has {@code fault-injection = on} (tests). */
    FaultHooks faults() { return faults; }

    public NodeMetrics metrics() { return metrics; }

    public ServerConfig config() { return config; }

    public int httpPort() { return http.port(); }

    public int clientPort() { return grpc.port(); }

    public int peerPort() { return transport.listenAddress().getPort(); }

    /** Where the node's groups keep their files (tests). */
    GroupFiles storage() { return storage; }

    /** The peer transport (tests read its counters). */
    PeerTransport<PeerMessage> transport() { return transport; }

    public boolean isLeader() { return node.status().role() == RaftRole.LEADER; }

    @Override
    public void close() {
        stop(true);
    }

    private void closeAlso(Runnable... more) {
        closers.addAll(java.util.List.of(more));
    }

    /** Stops without telling the peers, as a crash would: they have to detect it (tests). */
    void halt() {
        stop(false);
    }

    private void stop(boolean announceLeave) {
        // Stop taking work first, then stop the node, then release the disk.
        grpc.close();
        http.close();
        closers.forEach(Runnable::run);
        if (announceLeave) {
            membership.leave(); // peers mark this node LEFT instead of suspecting it
            try {
                Thread.sleep(LEAVE_GOSSIP_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        transport.close();
        loop.close();
        try {
            storage.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "closing the write-ahead log: " + e.getMessage());
        }
    }

    /** Member ids to peer addresses, for tests that bind ephemeral ports. */
    static Map<Long, InetSocketAddress> peerAddresses(ServerConfig config) {
        Map<Long, InetSocketAddress> out = new TreeMap<>();
        for (ServerConfig.Member m : config.members().values()) out.put(m.id(), new InetSocketAddress(m.peer().host(), m.peer().port()));
        return out;
    }
}
