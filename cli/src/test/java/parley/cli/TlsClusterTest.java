package parley.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import parley.server.ServerConfig;
import parley.server.ServerNode;

/**
 * TLS configured by files: members authenticate each other with certificates on the peer port, and
 * etcdctl reaches the client API over https with the CA; a plaintext client is refused.
 */
class TlsClusterTest {
    @Test
    void clusterServesEtcdctlOverTlsAndMembersTalkTls(@TempDir Path dir) throws Exception {
        assumeTrue(run(dir, "openssl", "version") == 0, "openssl is not installed");
        assumeTrue(run(dir, "etcdctl", "version") == 0, "etcdctl is not installed");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        assertEquals(0, run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key.toString(), "-out", cert.toString()), "openssl made a certificate");
        int[] ports = KillNineTest.freePorts(6);
        Map<Long, ServerNode> nodes = new TreeMap<>();
        try {
            for (long id = 1; id <= 3; id++) {
                List<String> lines = new ArrayList<>(List.of("node-id = " + id, "cluster-name = tls", "initial-cluster-state = new", "data-dir = " + dir.resolve("n" + id),
                        "http-listen = 127.0.0.1:0", "election-timeout-ms-min = 300", "election-timeout-ms-max = 600",
                        "heartbeat-interval-ms = 50",
                        "client-tls-cert-file = " + cert, "client-tls-key-file = " + key,
                        "peer-tls-cert-file = " + cert, "peer-tls-key-file = " + key, "peer-tls-ca-file = " + cert));
                for (int m = 0; m < 3; m++) lines.add("member." + (m + 1) + " = 127.0.0.1:" + ports[2 * m] + " 127.0.0.1:" + ports[2 * m + 1]);
                nodes.put(id, ServerNode.start(ServerConfig.parse("n" + id, lines)));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (nodes.values().stream().noneMatch(ServerNode::isLeader) && System.nanoTime() < deadline) Thread.sleep(10);
            assertTrue(nodes.values().stream().anyMatch(ServerNode::isLeader), "members elected a leader over TLS");
            String endpoint = "https://127.0.0.1:" + ports[1];
            assertEquals(0, run(dir, "etcdctl", "--cacert", cert.toString(), "--endpoints", endpoint, "put", "secret", "s3"));
            Path out = dir.resolve("get.out");
            assertEquals(0, runTo(dir, out, "etcdctl", "--cacert", cert.toString(), "--endpoints", endpoint, "get", "secret"));
            assertEquals("secret\ns3", Files.readString(out, StandardCharsets.UTF_8).strip());
            assertNotEquals(0, run(dir, "etcdctl", "--dial-timeout=2s", "--command-timeout=3s", "--endpoints", "127.0.0.1:" + ports[1],
                    "get", "secret"), "a plaintext client is refused");
        } finally {
            nodes.values().forEach(ServerNode::close);
        }
    }

    private static int run(Path dir, String... command) throws Exception {
        return runTo(dir, dir.resolve("last.out"), command);
    }

    private static int runTo(Path dir, Path out, String... command) throws Exception {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(false).redirectOutput(out.toFile())
                    .redirectError(dir.resolve("last.err").toFile());
            builder.environment().put("ETCDCTL_API", "3");
            Process p = builder.start();
            p.getOutputStream().close();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
