package parley.transport;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class IdentityCheckTest {
    private static final int CODEC = RaftMessageCodec.VERSION;
    private final IdentityCheck node1 = new IdentityCheck(1, 77, CODEC, Set.of(2L, 3L)::contains);

    @Test
    void acceptsAKnownPeerOfTheSameClusterAddressingThisNode() {
        assertNull(node1.refusalOf(new IdentityCheck(2, 77, CODEC, id -> true).helloTo(1)));
    }

    @Test
    void refusesOtherClustersUnknownNodesMisaddressedDialsAndOtherVersions() {
        assertTrue(node1.refusalOf(hello(77, 9, 1)).contains("not in the peer table"));
        assertTrue(node1.refusalOf(hello(78, 2, 1)).contains("cluster 78"));
        assertTrue(node1.refusalOf(hello(77, 2, 3)).contains("expecting node 3"));
        assertNotNull(node1.refusalOf(new Handshake.Hello(FrameCodec.PROTOCOL_VERSION + 1, CODEC, 77, 2, 1)));
        assertNotNull(node1.refusalOf(new Handshake.Hello(FrameCodec.PROTOCOL_VERSION, CODEC + 1, 77, 2, 1)));
    }

    @Test
    void aReplyMustComeFromTheExpectedPeer() {
        assertNull(node1.problemWithReply(hello(77, 2, 1), 2));
        assertTrue(node1.problemWithReply(hello(77, 3, 1), 2).contains("reached node 3"));
        assertNotNull(node1.problemWithReply(hello(78, 2, 1), 2));
        assertNotNull(node1.problemWithReply(hello(77, 2, 5), 2));
    }

    private static Handshake.Hello hello(long clusterId, long sender, long receiver) {
        return new Handshake.Hello(FrameCodec.PROTOCOL_VERSION, CODEC, clusterId, sender, receiver);
    }
}
