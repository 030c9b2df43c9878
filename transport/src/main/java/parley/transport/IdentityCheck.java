package parley.transport;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.LongFunction;
import java.util.function.LongPredicate;

/**
 * Decides whether the other end of a connection is who the configuration says. On accept, the dialer's
 * HELLO must come from a node in the peer table, of this cluster, speaking our versions, and must be
 * addressed to this node (a dialer whose peer table points this node's address at another id is told
 * so). On dial, the acceptor's HELLO must name the peer we meant to reach. Under TLS, a dialer's
 * certificate must also name the address the peer table gives the node it claims to be, so one
 * member's certificate cannot speak for another (the dialing side's TLS already checks the acceptor's
 * certificate against the address it dialed). Each check returns null when the greeting is acceptable,
 * else the reason, worded for a log line.
 */
final class IdentityCheck {
    /** Subject alternative name types (RFC 5280): dNSName and iPAddress. */
    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    private final long nodeId;
    private final long clusterId;
    private final String clusterIdentity;
    private final long bootId;
    private final int codecVersion;
    private final LongPredicate isPeer;
    private final LongFunction<InetSocketAddress> peerAddress;

    IdentityCheck(long nodeId, long clusterId, int codecVersion, LongPredicate isPeer) {
        this(nodeId, clusterId, "", 0, codecVersion, isPeer, id -> null);
    }

    /**
     * @param clusterIdentity what {@code clusterId} stands for, in words (may be empty)
     * @param bootId          this process's boot id
     * @param peerAddress     the configured address of a peer, or null when there is none
     */
    IdentityCheck(long nodeId, long clusterId, String clusterIdentity, long bootId, int codecVersion, LongPredicate isPeer,
                  LongFunction<InetSocketAddress> peerAddress) {
        this.nodeId = nodeId;
        this.clusterId = clusterId;
        this.clusterIdentity = clusterIdentity;
        this.bootId = bootId;
        this.codecVersion = codecVersion;
        this.isPeer = isPeer;
        this.peerAddress = peerAddress;
    }

    long nodeId() {
        return nodeId;
    }

    /** This node's greeting to (or reply to) node {@code receiverNodeId}. */
    Handshake.Hello helloTo(long receiverNodeId) {
        return new Handshake.Hello(FrameCodec.PROTOCOL_VERSION, codecVersion, clusterId, nodeId, receiverNodeId, bootId, clusterIdentity);
    }

    /** Why this node refuses a dialer's greeting, or null to accept it. */
    String refusalOf(Handshake.Hello hello) {
        String versions = versionProblem(hello);
        if (versions != null) return versions;
        if (hello.clusterId() != clusterId) {
            return "node " + hello.senderNodeId() + " belongs to " + describe(hello.clusterId(), hello.clusterIdentity())
                    + ", node " + nodeId + " to " + describe(clusterId, clusterIdentity);
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
            return "node " + reply.senderNodeId() + " belongs to " + describe(reply.clusterId(), reply.clusterIdentity())
                    + ", node " + nodeId + " to " + describe(clusterId, clusterIdentity);
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

    /**
     * Why the certificate chain a dialer presented does not belong to node {@code senderNodeId}, or
     * null when its leaf certificate names that node's configured host: as an IP address or DNS name
     * among the subject alternative names (exact match; no wildcards), as HTTPS clients check servers.
     */
    String certificateProblem(long senderNodeId, Certificate[] chain) {
        InetSocketAddress configured = peerAddress.apply(senderNodeId);
        if (configured == null) return null;
        if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
            return "node " + senderNodeId + " presented no X.509 certificate";
        }
        String host = configured.getHostString();
        List<String> names = subjectAltNames(leaf);
        for (String name : names) {
            if (sameHost(name, host)) return null;
        }
        return "node " + senderNodeId + " presented a certificate for " + (names.isEmpty() ? "no subject alternative names" : names)
                + ", not for its configured host " + host;
    }

    /** The IP address and DNS entries of a certificate's subject alternative names. */
    static List<String> subjectAltNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        Collection<List<?>> entries;
        try {
            entries = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException unreadable) {
            return names;
        }
        if (entries == null) return names;
        for (List<?> entry : entries) {
            int type = (Integer) entry.get(0);
            if (type == SAN_DNS || type == SAN_IP) names.add(String.valueOf(entry.get(1)));
        }
        return names;
    }

    private static boolean sameHost(String name, String host) {
        if (name.equalsIgnoreCase(host)) return true;
        if (!isIpLiteral(name) || !isIpLiteral(host)) return false;
        try { // IP literals spelled differently (IPv6 zero compression) still name one address
            return InetAddress.getByName(name).equals(InetAddress.getByName(host));
        } catch (java.net.UnknownHostException notAnAddress) {
            return false;
        }
    }

    private static boolean isIpLiteral(String text) {
        return text.contains(":") || text.toLowerCase(Locale.ROOT).matches("[0-9.]+");
    }

    /** A cluster as a refusal names it: its identity in words when known, else its id. */
    private static String describe(long clusterId, String identity) {
        return identity.isEmpty() ? "cluster " + clusterId : identity + " (cluster id " + Long.toUnsignedString(clusterId, 16) + ")";
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
