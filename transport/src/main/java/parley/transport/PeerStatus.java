package parley.transport;

import java.net.InetSocketAddress;

/**
 * One peer as this node's transport sees it at a moment.
 *
 * @param peerId         the peer's node id
 * @param address        where this node dials it
 * @param connected      whether an outbound connection to it has completed its handshake
 * @param queuedMessages messages waiting in its outbound queue
 * @param problem        why the last attempt to connect failed (unreachable, refused at the handshake),
 *                       or null while connected or before any attempt failed
 */
public record PeerStatus(long peerId, InetSocketAddress address, boolean connected, int queuedMessages, String problem) {}
