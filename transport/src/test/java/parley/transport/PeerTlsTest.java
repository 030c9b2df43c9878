package parley.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import parley.raft.RaftMessage;

/**
 * Mutual TLS with one self-signed certificate (made by openssl, naming 127.0.0.1) that both nodes
 * present and trust; the dialer checks the name as well. The handshake's identity check runs on top.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PeerTlsTest {
    @Test
    void peersTalkOverMutualTlsAndAPlaintextDialerIsTurnedAway(@TempDir Path dir) throws Exception {
        PeerTls tls = tlsWithCertificateFor(dir, "127.0.0.1");
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
    }

    @Test
    void aDialerRefusesACertificateThatDoesNotNameTheAddressItDialed(@TempDir Path dir) throws Exception {
        PeerTls tls = tlsWithCertificateFor(dir, "127.0.0.2"); // trusted, but the peers listen on 127.0.0.1
        try (TestNode a = new TestNode(1, TestNode.CLUSTER, 0, cfg -> cfg, tls);
             TestNode b = new TestNode(2, TestNode.CLUSTER, 0, cfg -> cfg, tls)) {
            a.transport.start();
            b.transport.start();
            a.transport.addPeer(2, b.address());
            a.send(2, new RaftMessage.TimeoutNow(3));
            Thread.sleep(1_000);
            assertFalse(a.transport.peerStatus(2).orElseThrow().connected(), "node 1 should not connect to a misnamed peer");
            b.assertInboxEmpty();
        }
    }

    @Test
    void anAcceptorRefusesAMemberWhoseCertificateNamesAnotherHost(@TempDir Path dir) throws Exception {
        assumeTrue(openssl(dir, "version") == 0, "openssl is not installed");
        assertEquals(0, openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=parley test CA",
                "-keyout", dir.resolve("ca.key").toString(), "-out", dir.resolve("ca.pem").toString()), "openssl made a CA");
        File ca = dir.resolve("ca.pem").toFile();
        PeerTls rightName = tlsSignedBy(dir, ca, "right", "127.0.0.1");
        PeerTls wrongName = tlsSignedBy(dir, ca, "wrong", "127.0.0.2"); // trusted, but node 1 is configured at 127.0.0.1
        try (TestNode a = new TestNode(1, TestNode.CLUSTER, 0, cfg -> cfg, wrongName);
             TestNode b = new TestNode(2, TestNode.CLUSTER, 0, cfg -> cfg, rightName)) {
            a.transport.start();
            b.transport.start();
            a.transport.addPeer(2, b.address());
            b.transport.addPeer(1, a.address());
            a.send(2, new RaftMessage.TimeoutNow(3));
            TestNode.await("node 2 refuses node 1's handshake", () -> b.transport.counters().handshakesRefused() > 0);
            b.assertInboxEmpty();
            assertFalse(a.transport.peerStatus(2).orElseThrow().connected(), "node 1 should not be connected to node 2");
        }
    }

    /** Mutual TLS with a key and certificate for {@code ip} signed by the CA in {@code dir}, trusting that CA. */
    private static PeerTls tlsSignedBy(Path dir, File ca, String name, String ip) throws Exception {
        String key = dir.resolve(name + ".key").toString();
        String csr = dir.resolve(name + ".csr").toString();
        String cert = dir.resolve(name + ".pem").toString();
        Path ext = dir.resolve(name + ".ext");
        java.nio.file.Files.writeString(ext, "subjectAltName=IP:" + ip + "\n");
        assertEquals(0, openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + ip, "-keyout", key, "-out", csr));
        assertEquals(0, openssl(dir, "x509", "-req", "-in", csr, "-CA", ca.toString(), "-CAkey", dir.resolve("ca.key").toString(),
                "-CAcreateserial", "-days", "1", "-extfile", ext.toString(), "-out", cert), "openssl signed " + name);
        File certFile = new File(cert);
        File keyFile = new File(key);
        SslContext server = SslContextBuilder.forServer(certFile, keyFile).trustManager(ca).clientAuth(ClientAuth.REQUIRE).build();
        SslContext client = SslContextBuilder.forClient().keyManager(certFile, keyFile).trustManager(ca).build();
        return new PeerTls(server, client);
    }

    /** Mutual TLS where both ends present, and trust, one self-signed certificate naming {@code ip}. */
    private static PeerTls tlsWithCertificateFor(Path dir, String ip) throws Exception {
        File cert = dir.resolve("cert.pem").toFile();
        File key = dir.resolve("key.pem").toFile();
        assumeTrue(openssl(dir, "version") == 0, "openssl is not installed");
        assertEquals(0, openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=" + ip,
                "-addext", "subjectAltName=IP:" + ip, "-keyout", key.toString(), "-out", cert.toString()), "openssl made a certificate");
        SslContext server = SslContextBuilder.forServer(cert, key).trustManager(cert).clientAuth(ClientAuth.REQUIRE).build();
        SslContext client = SslContextBuilder.forClient().keyManager(cert, key).trustManager(cert).build();
        return new PeerTls(server, client);
    }

    private static int openssl(Path dir, String... args) throws InterruptedException {
        String[] command = new String[args.length + 1];
        command[0] = "openssl";
        System.arraycopy(args, 0, command, 1, args.length);
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("openssl.out").toFile()).start();
            return p.waitFor(20, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException notInstalled) {
            return -1;
        }
    }
}
