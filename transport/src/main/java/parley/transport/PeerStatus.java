package parley.transport;

import java.net.InetSocketAddress;

/**
 * One peer as this node's transport sees it at a moment.
 *
 * @param peerId         the peer's node id
 * @param address        where this node dials it
 * @param connected      whether an outbound connection to it has completed its handshake
 * @param queuedMessages messages waiting in its outbound queue
 */
public record PeerStatus(long peerId, InetSocketAddress address, boolean connected, int queuedMessages) {}
