package parley.transport;

import io.grpc.netty.shaded.io.netty.channel.Channel;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The accepted connections of one transport: all of them (to close on shutdown) and, once their
 * handshake succeeded, the one per peer. A peer that redials while an old connection lingers (a
 * half-open socket after a crash) replaces it, and the old one is closed.
 */
final class InboundConnections {
    private static final System.Logger LOG = System.getLogger(InboundConnections.class.getName());

    private final long nodeId;
    private final Set<Channel> accepted = ConcurrentHashMap.newKeySet();
    private final Map<Long, Channel> byPeer = new ConcurrentHashMap<>();

    InboundConnections(long nodeId) {
        this.nodeId = nodeId;
    }

    void onAccepted(Channel channel) {
        accepted.add(channel);
        channel.closeFuture().addListener(f -> accepted.remove(channel));
    }

    /** {@code channel} completed its handshake as {@code peerId}. */
    void onEstablished(long peerId, Channel channel) {
        Channel previous = byPeer.put(peerId, channel);
        if (previous != null && previous != channel) {
            LOG.log(Level.INFO, () -> "node " + nodeId + ": node " + peerId
                    + " connected again; closing its older connection");
            previous.close();
        }
    }

    void onClosed(long peerId, Channel channel) {
        byPeer.remove(peerId, channel);
    }

    /** Closes the connection from {@code peerId}, if any. */
    void closePeer(long peerId) {
        Channel channel = byPeer.remove(peerId);
        if (channel != null) channel.close();
    }

    void closeAll() {
        for (Channel channel : accepted) channel.close();
    }
}
