package parley.transport;

import java.util.function.LongPredicate;

/**
 * Decides whether the other end of a connection is who the configuration says. On accept, the dialer's
 * HELLO must come from a node in the peer table, of this cluster, speaking our versions, and must be
 * addressed to this node (a dialer whose peer table points this node's address at another id is told
 * so). On dial, the acceptor's HELLO must name the peer we meant to reach. Each check returns null
 * when the greeting is acceptable, else the reason, worded for a log line.
 */
final class IdentityCheck {
    private final long nodeId;
    private final long clusterId;
    private final int codecVersion;
    private final LongPredicate isPeer;

    IdentityCheck(long nodeId, long clusterId, int codecVersion, LongPredicate isPeer) {
        this.nodeId = nodeId;
        this.clusterId = clusterId;
        this.codecVersion = codecVersion;
        this.isPeer = isPeer;
    }

    long nodeId() {
        return nodeId;
    }

    /** This node's greeting to (or reply to) node {@code receiverNodeId}. */
    Handshake.Hello helloTo(long receiverNodeId) {
        return new Handshake.Hello(FrameCodec.PROTOCOL_VERSION, codecVersion, clusterId, nodeId, receiverNodeId);
    }

    /** Why this node refuses a dialer's greeting, or null to accept it. */
    String refusalOf(Handshake.Hello hello) {
        String versions = versionProblem(hello);
        if (versions != null) return versions;
        if (hello.clusterId() != clusterId) {
            return "node " + hello.senderNodeId() + " belongs to cluster " + hello.clusterId()
                    + ", node " + nodeId + " to cluster " + clusterId;
        }
        if (hello.receiverNodeId() != nodeId) {
            return "node " + hello.senderNodeId() + " dialed this address expecting node " + hello.receiverNodeId()
                    + ", but it is node " + nodeId + " (check the peer table of node " + hello.senderNodeId() + ")";
        }
        if (!isPeer.test(hello.senderNodeId())) {
            return "node " + hello.senderNodeId() + " is not in the peer table of node " + nodeId;
        }
        return null;
    }

    /** Why this node rejects the acceptor's reply when it dialed {@code expectedPeerId}, or null. */
    String problemWithReply(Handshake.Hello reply, long expectedPeerId) {
        String versions = versionProblem(reply);
        if (versions != null) return versions;
        if (reply.clusterId() != clusterId) {
            return "the node answering belongs to cluster " + reply.clusterId() + ", not " + clusterId;
        }
        if (reply.senderNodeId() != expectedPeerId) {
            return "the address of node " + expectedPeerId + " reached node " + reply.senderNodeId()
                    + " (check the peer table of node " + nodeId + ")";
        }
        if (reply.receiverNodeId() != nodeId) {
            return "node " + expectedPeerId + " answered as if to node " + reply.receiverNodeId();
        }
        return null;
    }

    private String versionProblem(Handshake.Hello hello) {
        if (hello.protocolVersion() != FrameCodec.PROTOCOL_VERSION) {
            return "protocol version " + hello.protocolVersion() + " is not " + FrameCodec.PROTOCOL_VERSION;
        }
        if (hello.codecVersion() != codecVersion) {
            return "message codec version " + hello.codecVersion() + " is not " + codecVersion;
        }
        return null;
    }
}
