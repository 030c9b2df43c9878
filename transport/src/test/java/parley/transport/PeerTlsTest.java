package parley.transport;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.raft.RaftMessage;

/**
 * Mutual TLS with one self-signed certificate that both nodes present and trust. Hostname
 * verification is off: nodes are named by id, and the handshake's identity check runs on top of TLS.
 */
@Timeout(value = 15, unit = TimeUnit.SECONDS)
class PeerTlsTest {
    @Test
    @SuppressWarnings("deprecation") // SelfSignedCertificate: its successor lives in netty-pkitesting, not a dependency here
    void peersTalkOverMutualTlsAndAPlaintextDialerIsTurnedAway() throws Exception {
        SelfSignedCertificate certificate = new SelfSignedCertificate("localhost");
        try {
            SslContext server = SslContextBuilder.forServer(certificate.key(), certificate.cert())
                    .trustManager(certificate.cert()).clientAuth(ClientAuth.REQUIRE).build();
            SslContext client = SslContextBuilder.forClient().keyManager(certificate.key(), certificate.cert())
                    .trustManager(certificate.cert()).endpointIdentificationAlgorithm(null).build();
            PeerTls tls = new PeerTls(server, client);
            try (TestNode a = new TestNode(1, TestNode.CLUSTER, 0, cfg -> cfg, tls);
                 TestNode b = new TestNode(2, TestNode.CLUSTER, 0, cfg -> cfg, tls)) {
                a.transport.start();
                b.transport.start();
                TestNode.mesh(a, b);
                RaftMessage append = SampleMessages.oneOfEach().get(4);
                a.send(2, append);
                Structural.assertSame(append, b.take().message());
                b.send(1, new RaftMessage.TimeoutNow(3));
                Structural.assertSame(new RaftMessage.TimeoutNow(3), a.take().message());

                try (RawPeer plaintext = RawPeer.dial(a.address())) {
                    plaintext.sendHello(TestNode.CLUSTER, 2, 1);
                    assertTrue(plaintext.closedByOtherEnd(), "a TLS listener should hang up on plaintext");
                }
                a.assertInboxEmpty();
            }
        } finally {
            certificate.delete();
        }
    }
}
