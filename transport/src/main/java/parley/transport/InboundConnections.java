package parley.transport;

import io.grpc.netty.shaded.io.netty.channel.Channel;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The accepted connections of one transport: all of them (to close on shutdown) and, once their
 * handshake succeeded, the one per peer. A peer that redials while an old connection lingers (a
 * half-open socket after a crash, or the last breath of a process that just restarted) replaces it,
 * and the old one is closed. But while the old connection is alive (it carried a frame within
 * {@link #LIVE_WINDOW_NS}) and the new one comes from another process (another boot id), the new one
 * is a second process claiming the same node id, and it is refused.
 */
final class InboundConnections {
    private static final System.Logger LOG = System.getLogger(InboundConnections.class.getName());
    /** A connection that carried a frame this recently belongs to a live process (peers talk every second or so). */
    static final long LIVE_WINDOW_NS = 3_000_000_000L;

    private final long nodeId;
    private final Set<Channel> accepted = ConcurrentHashMap.newKeySet();
    private final Map<Long, Established> byPeer = new ConcurrentHashMap<>();

    /** A peer's established connection, the boot id of the process behind it, and when it last carried a frame. */
    private static final class Established {
        final Channel channel;
        final long bootId;
        volatile long heardNs;

        Established(Channel channel, long bootId, long heardNs) {
            this.channel = channel;
            this.bootId = bootId;
            this.heardNs = heardNs;
        }
    }

    InboundConnections(long nodeId) {
        this.nodeId = nodeId;
    }

    void onAccepted(Channel channel) {
        accepted.add(channel);
        channel.closeFuture().addListener(f -> accepted.remove(channel));
    }

    /**
     * Why a connection from {@code peerId}'s process {@code bootId} must be refused because another live
     * process already speaks as {@code peerId}, or null.
     */
    String duplicateOf(long peerId, long bootId, long nowNs) {
        Established current = byPeer.get(peerId);
        if (current == null || bootId == 0 || current.bootId == 0 || current.bootId == bootId || !current.channel.isActive()) return null;
        long silentMs = (nowNs - current.heardNs) / 1_000_000;
        if (silentMs * 1_000_000 >= LIVE_WINDOW_NS) return null; // the old process fell silent: a restart
        return "node " + peerId + " is already connected from " + current.channel.remoteAddress() + " (another process, heard from "
                + silentMs + " ms ago); a second process with node id " + peerId + " is refused: check node-id in its configuration";
    }

    /** {@code channel} completed its handshake as {@code peerId}, from the process with {@code bootId}. */
    void onEstablished(long peerId, long bootId, Channel channel, long nowNs) {
        Established previous = byPeer.put(peerId, new Established(channel, bootId, nowNs));
        if (previous != null && previous.channel != channel) {
            LOG.log(Level.INFO, () -> "node " + nodeId + ": node " + peerId
                    + " connected again; closing its older connection");
            previous.channel.close();
        }
    }

    /** {@code channel}, established as {@code peerId}, carried a frame. */
    void heard(long peerId, Channel channel, long nowNs) {
        Established current = byPeer.get(peerId);
        if (current != null && current.channel == channel) current.heardNs = nowNs;
    }

    void onClosed(long peerId, Channel channel) {
        byPeer.computeIfPresent(peerId, (id, current) -> current.channel == channel ? null : current);
    }

    /** Closes the connection from {@code peerId}, if any. */
    void closePeer(long peerId) {
        Established current = byPeer.remove(peerId);
        if (current != null) current.channel.close();
    }

    void closeAll() {
        for (Channel channel : accepted) channel.close();
    }
}
