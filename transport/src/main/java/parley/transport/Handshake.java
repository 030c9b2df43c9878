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
     * @param bootId          drawn at random when the sender's process started: tells a second process
     *                        claiming the same node id from a restart of the first
     * @param clusterIdentity what the cluster id stands for, in words (name and founding members), so a
     *                        mismatch can be explained; empty when the sender has none
     */
    record Hello(int protocolVersion, int codecVersion, long clusterId, long senderNodeId, long receiverNodeId, long bootId,
                 String clusterIdentity) implements Handshake {
        Hello(int protocolVersion, int codecVersion, long clusterId, long senderNodeId, long receiverNodeId) {
            this(protocolVersion, codecVersion, clusterId, senderNodeId, receiverNodeId, 0, "");
        }
    }

    /**
     * The acceptor refuses the connection; {@code reason} is for the dialer's log. {@code duplicateNode}:
     * another live process already speaks as the dialer's node id.
     */
    record Refusal(String reason, boolean duplicateNode) implements Handshake {
        Refusal(String reason) {
            this(reason, false);
        }
    }
}
