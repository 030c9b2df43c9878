package parley.transport;

/** The first frame each side of a connection sends: a greeting, or a refusal with its reason. */
sealed interface Handshake {
    /**
     * Who is speaking, to whom, in which cluster, in which protocol. The dialer sends one naming the
     * node it means to reach; the acceptor answers with its own.
     *
     * @param protocolVersion the frame layout version ({@link FrameCodec#PROTOCOL_VERSION})
     * @param codecVersion    the message codec's layout version
     * @param clusterId       the cluster both sides must belong to
     * @param senderNodeId    the node sending this greeting
     * @param receiverNodeId  the node the sender believes it is talking to
     */
    record Hello(int protocolVersion, int codecVersion, long clusterId, long senderNodeId, long receiverNodeId)
            implements Handshake {}

    /** The acceptor refuses the connection; {@code reason} is for the dialer's log. */
    record Refusal(String reason) implements Handshake {}
}
