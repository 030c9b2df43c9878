package parley.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ServerConfigTest {
    private static final List<String> GOOD = List.of(
            "# a comment",
            "node-id = 2",
            "cluster-name = dev",
            "data-dir = /tmp/parley/n2",
            "member.1 = 127.0.0.1:2380 127.0.0.1:2379",
            "member.2 = 127.0.0.1:2480 127.0.0.1:2479",
            "member.3 = 127.0.0.1:2580 127.0.0.1:2579");

    @Test
    void theShippedExampleConfigsDescribeOneThreeNodeCluster() throws Exception {
        java.util.Map<Long, ServerConfig> examples = new java.util.TreeMap<>();
        for (int i = 1; i <= 3; i++) {
            ServerConfig config = ServerConfig.read(java.nio.file.Path.of("../examples/n" + i + ".conf"));
            examples.put(config.nodeId(), config);
        }
        assertEquals(java.util.Set.of(1L, 2L, 3L), examples.keySet());
        for (ServerConfig config : examples.values()) {
            assertEquals(examples.get(1L).members(), config.members(), "every node names the same founders");
            assertEquals(true, config.bootstrap(), "the examples found a new cluster");
        }
    }

    @Test
    void anEmptyDataDirectoryJoinsUnlessTheConfigurationFoundsANewCluster() throws Exception {
        assertEquals(false, ServerConfig.parse("n2.conf", GOOD).bootstrap(), "existing is the default: founding needs the flag");
        List<String> founding = new java.util.ArrayList<>(GOOD);
        founding.add("initial-cluster-state = new");
        assertEquals(true, ServerConfig.parse("n2.conf", founding).bootstrap());
        List<String> wrong = new java.util.ArrayList<>(GOOD);
        wrong.add("initial-cluster-state = fresh");
        assertError("initial-cluster-state: expected 'new' (found a new cluster) or 'existing' (join one), got 'fresh'", wrong);
    }

    @Test
    void readsAGoodFileWithDefaults() throws Exception {
        ServerConfig config = ServerConfig.parse("n2.conf", GOOD);
        assertEquals(2, config.nodeId());
        assertEquals("dev", config.clusterName());
        assertEquals(3, config.members().size());
        assertEquals(2479, config.clientListen().port(), "client-listen defaults to this member's client address");
        assertEquals(2480, config.peerListen().port());
        assertEquals(1000, config.electionTimeoutMsMin());
        assertEquals(1_572_864, config.maxRequestBytes());
        assertEquals(false, config.faultInjection(), "fault injection is off unless asked for");
        assertEquals(10_000, config.historyRetentionRevisions(), "history is bounded by default");
        assertEquals(128L << 20, config.engineSettings().blockCacheBytes());
        assertEquals(128L << 20, config.engineSettings().memtableBytesMax());
        assertEquals(32L << 20, config.engineSettings().memtableBytes());
        List<String> small = new java.util.ArrayList<>(GOOD);
        small.add("engine-memtable-bytes = 8388608");
        assertEquals(2L << 20, ServerConfig.parse("n2.conf", small).engineSettings().memtableBytes(), "a quarter of a small budget per memtable");
    }

    @Test
    void faultInjectionIsOnOnlyWhenSaidSo() throws Exception {
        List<String> on = new java.util.ArrayList<>(GOOD);
        on.add("fault-injection = on");
        assertEquals(true, ServerConfig.parse("n2.conf", on).faultInjection());
        List<String> bad = new java.util.ArrayList<>(GOOD);
        bad.add("fault-injection = yes");
        assertError("fault-injection: expected 'on' or 'off', got 'yes'", bad);
    }

    @Test
    void mistakesNameTheFileLineAndProblem() {
        assertError("n.conf:2: unknown key 'nod-id'", List.of("# x", "nod-id = 1"));
        assertError("missing required key 'node-id'", List.of("data-dir = /x"));
        assertError("n.conf:1: node-id: expected a number, got 'one'", List.of("node-id = one"));
        assertError("is not among the members", List.of("node-id = 9", "data-dir = /x", "member.1 = a:1 a:2"));
        assertError("n.conf:3: member.1: expected host:port, got 'a'", List.of("node-id = 1", "data-dir = /x", "member.1 = a a:2"));
        assertError("n.conf:2: 'node-id' given twice", List.of("node-id = 1", "node-id = 2"));
        assertError("n.conf:1: expected 'key = value'", List.of("just words"));
        assertError("n.conf:4: history-retention-revisions: must be 0 or positive, got -5",
                List.of("node-id = 1", "data-dir = /x", "member.1 = a:1 a:2", "history-retention-revisions = -5"));
        assertError("n.conf:4: quota-backend-bytes: must be positive, got 0",
                List.of("node-id = 1", "data-dir = /x", "member.1 = a:1 a:2", "quota-backend-bytes = 0"));
        assertError("n.conf:4: engine-cache-bytes: must be at least 1 MiB (1048576), got 1000",
                List.of("node-id = 1", "data-dir = /x", "member.1 = a:1 a:2", "engine-cache-bytes = 1000"));
        assertError("n.conf:4: engine-memtable-bytes: must be at least 4 MiB (4194304), got 1048576",
                List.of("node-id = 1", "data-dir = /x", "member.1 = a:1 a:2", "engine-memtable-bytes = 1048576"));
        assertError("heartbeat-interval-ms: must be at most a third", List.of("node-id = 1", "data-dir = /x", "member.1 = a:1 a:2",
                "heartbeat-interval-ms = 500"));
        assertError("client-tls: give both client-tls-cert-file and client-tls-key-file", List.of("node-id = 1", "data-dir = /x",
                "member.1 = a:1 a:2", "client-tls-cert-file = /etc/hostname"));
        assertError("peer-tls: members authenticate each other; give peer-tls-ca-file too", List.of("node-id = 1", "data-dir = /x",
                "member.1 = a:1 a:2", "peer-tls-cert-file = /etc/hostname", "peer-tls-key-file = /etc/hostname"));
        assertError("client-tls-key-file: cannot read /no/such/key.pem", List.of("node-id = 1", "data-dir = /x",
                "member.1 = a:1 a:2", "client-tls-cert-file = /etc/hostname", "client-tls-key-file = /no/such/key.pem"));
    }

    private static void assertError(String expected, List<String> lines) {
        var e = assertThrows(ServerConfig.ConfigException.class, () -> ServerConfig.parse("n.conf", lines));
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }
}
