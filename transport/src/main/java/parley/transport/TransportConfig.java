package parley.transport;

import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Identity, addresses and limits of one node's {@link PeerTransport}, validated on construction.
 *
 * @param nodeId                      this node's id
 * @param clusterId                   the cluster this node belongs to; a peer from another cluster is refused
 * @param clusterIdentity             what the cluster id stands for, in words (its name and founding
 *                                    members, say): a refusal for a cluster mismatch quotes both sides' (may be empty)
 * @param listenAddress               where to accept peer connections (port 0 picks a free port)
 * @param peers                       the initial peer table, node id to address; never contains {@code nodeId}
 * @param frameBytesMax               the largest frame body sent or accepted; a larger incoming frame
 *                                    closes the connection, a larger outgoing message is dropped. Use
 *                                    the same value on every node (a sender with a larger limit than
 *                                    its receiver gets its connection closed); keep Raft's
 *                                    {@code maxAppendBytes} and {@code snapshotChunkBytes} well below it
 * @param outboundQueueMessagesMax    messages queued per peer before new ones are dropped
 * @param reconnectBackoffMsMin       first delay before redialing a peer
 * @param reconnectBackoffMsMax       the delay doubles per failed attempt up to this bound (then jittered)
 * @param connectTimeoutMs            give up on a TCP connect after this long
 * @param handshakeTimeoutMs          close a connection whose handshake has not completed after this long
 * @param inboundBatchesPendingMax    batches handed to the delivery executor but not yet delivered, per
 *                                    connection, before the connection stops reading (backpressure)
 * @param ioThreads                   Netty event-loop threads of this transport
 */
public record TransportConfig(
        long nodeId,
        long clusterId,
        String clusterIdentity,
        InetSocketAddress listenAddress,
        Map<Long, InetSocketAddress> peers,
        int frameBytesMax,
        int outboundQueueMessagesMax,
        long reconnectBackoffMsMin,
        long reconnectBackoffMsMax,
        long connectTimeoutMs,
        long handshakeTimeoutMs,
        int inboundBatchesPendingMax,
        int ioThreads) {

    /** The smallest frame limit: room for a handshake and a batch of small messages. */
    public static final int FRAME_BYTES_MAX_MIN = 1024;
    /** The largest frame limit (1 GiB): far above any sane batch, well below int overflow. */
    public static final int FRAME_BYTES_MAX_MAX = 1 << 30;

    public TransportConfig {
        require(listenAddress != null, "listenAddress is required");
        require(clusterIdentity != null, "clusterIdentity must not be null (may be empty)");
        require(peers != null, "peers is required");
        for (var peer : peers.entrySet()) {
            require(peer.getKey() != null && peer.getValue() != null, "peer ids and addresses must not be null");
        }
        peers = Collections.unmodifiableMap(new TreeMap<>(peers));
        require(!peers.containsKey(nodeId), "peers must not contain this node's own id " + nodeId);
        require(frameBytesMax >= FRAME_BYTES_MAX_MIN && frameBytesMax <= FRAME_BYTES_MAX_MAX,
                "frameBytesMax must be in [" + FRAME_BYTES_MAX_MIN + ", " + FRAME_BYTES_MAX_MAX + "]");
        require(outboundQueueMessagesMax > 0, "outboundQueueMessagesMax must be positive");
        require(reconnectBackoffMsMin > 0, "reconnectBackoffMsMin must be positive");
        require(reconnectBackoffMsMax >= reconnectBackoffMsMin, "reconnectBackoffMsMax must be >= reconnectBackoffMsMin");
        require(connectTimeoutMs > 0 && connectTimeoutMs <= Integer.MAX_VALUE, "connectTimeoutMs must be positive");
        require(handshakeTimeoutMs > 0, "handshakeTimeoutMs must be positive");
        require(inboundBatchesPendingMax > 0, "inboundBatchesPendingMax must be positive");
        require(ioThreads > 0, "ioThreads must be positive");
    }

    /** A builder with defaults for everything but identity and addresses. */
    public static Builder builder(long nodeId, long clusterId, InetSocketAddress listenAddress) {
        return new Builder(nodeId, clusterId, listenAddress);
    }

    private static void require(boolean condition, String message) {
        if (!condition) throw new IllegalArgumentException("invalid TransportConfig: " + message);
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private final long nodeId;
        private final long clusterId;
        private String clusterIdentity = "";
        private final InetSocketAddress listenAddress;
        private final Map<Long, InetSocketAddress> peers = new TreeMap<>();
        private int frameBytesMax = 4 * 1024 * 1024;
        private int outboundQueueMessagesMax = 4096;
        private long reconnectBackoffMsMin = 50;
        private long reconnectBackoffMsMax = 2000;
        private long connectTimeoutMs = 2000;
        private long handshakeTimeoutMs = 5000;
        private int inboundBatchesPendingMax = 64;
        private int ioThreads = 1;

        private Builder(long nodeId, long clusterId, InetSocketAddress listenAddress) {
            this.nodeId = nodeId;
            this.clusterId = clusterId;
            this.listenAddress = listenAddress;
        }

        public Builder clusterIdentity(String v) { clusterIdentity = v; return this; }
        public Builder peer(long id, InetSocketAddress address) { peers.put(id, address); return this; }
        public Builder peers(Map<Long, InetSocketAddress> all) { peers.putAll(all); return this; }
        public Builder frameBytesMax(int v) { frameBytesMax = v; return this; }
        public Builder outboundQueueMessagesMax(int v) { outboundQueueMessagesMax = v; return this; }
        public Builder reconnectBackoffMs(long min, long max) { reconnectBackoffMsMin = min; reconnectBackoffMsMax = max; return this; }
        public Builder connectTimeoutMs(long v) { connectTimeoutMs = v; return this; }
        public Builder handshakeTimeoutMs(long v) { handshakeTimeoutMs = v; return this; }
        public Builder inboundBatchesPendingMax(int v) { inboundBatchesPendingMax = v; return this; }
        public Builder ioThreads(int v) { ioThreads = v; return this; }

        public TransportConfig build() {
            return new TransportConfig(nodeId, clusterId, clusterIdentity, listenAddress, peers, frameBytesMax, outboundQueueMessagesMax,
                    reconnectBackoffMsMin, reconnectBackoffMsMax, connectTimeoutMs, handshakeTimeoutMs,
                    inboundBatchesPendingMax, ioThreads);
        }
    }
}
