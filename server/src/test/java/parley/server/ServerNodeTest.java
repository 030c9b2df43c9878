package parley.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import parley.kv.Bytes;
import parley.kv.KeyRange;
import parley.kv.KvCommand;
import parley.kv.KvResult;

/**
 * Three complete server nodes in one JVM: real write-ahead logs in temporary directories, the Netty
 * transport on loopback, the HTTP side door. Writes survive a node's restart from its data directory.
 */
class ServerNodeTest {
    @Test
    void threeNodesReplicateAndARestartedNodeCatchesUpFromItsLog(@TempDir Path dir) throws Exception {
        int[] peerPorts = freePorts(3);
        Map<Long, ServerNode> nodes = new TreeMap<>();
        try {
            for (long id = 1; id <= 3; id++) nodes.put(id, ServerNode.start(config(id, dir, peerPorts)));
            ServerNode leader = awaitLeader(nodes);
            for (int i = 0; i < 50; i++) {
                leader.node().write(KvCommand.Put.of(Bytes.utf8("k" + (i % 5)), Bytes.utf8("v" + i))).get(5, TimeUnit.SECONDS);
            }
            long follower = nodes.keySet().stream().filter(id -> nodes.get(id) != leader).findFirst().orElseThrow();
            nodes.remove(follower).close();
            for (int i = 50; i < 80; i++) {
                leader.node().write(KvCommand.Put.of(Bytes.utf8("k" + (i % 5)), Bytes.utf8("v" + i))).get(5, TimeUnit.SECONDS);
            }
            ServerNode restarted = ServerNode.start(config(follower, dir, peerPorts));
            nodes.put(follower, restarted);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (restarted.node().revision() < leader.node().revision() && System.nanoTime() < deadline) Thread.sleep(10);
            assertEquals(leader.node().revision(), restarted.node().revision(), "the restarted node caught up");
            KvResult.RangeResult read = (KvResult.RangeResult) restarted.node()
                    .read(KvCommand.Range.of(KeyRange.single(Bytes.utf8("k4"))), true).get(5, TimeUnit.SECONDS);
            assertEquals("v79", new String(read.kvs().get(0).value().bytes(), StandardCharsets.UTF_8));

            HttpClient http = HttpClient.newHttpClient();
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + leader.httpPort() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("parley_raft_commit_index"), metrics);
            assertTrue(metrics.contains("parley_wal_fsync_seconds_bucket"), metrics);
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + leader.httpPort() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
            String status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + leader.httpPort() + "/status")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(status.contains("\"role\" : \"leader\""), status);
        } finally {
            nodes.values().forEach(ServerNode::close);
        }
    }

    /**
     * With a retention of 100 revisions the leader compacts through the log: every replica refuses a
     * read of an old revision as compacted, still serves the latest values, and reads at revisions
     * inside the retained window see exactly what was written there.
     */
    @Test
    void historyBeyondTheRetentionIsCompactedOnEveryReplica(@TempDir Path dir) throws Exception {
        int[] peerPorts = freePorts(3);
        Map<Long, ServerNode> nodes = new TreeMap<>();
        try {
            for (long id = 1; id <= 3; id++) {
                nodes.put(id, ServerNode.start(config(id, dir, peerPorts, "history-retention-revisions = 100")));
            }
            ServerNode leader = awaitLeader(nodes);
            long lastRevision = 0;
            for (int i = 0; i < 400; i++) {
                KvResult.PutResult put = (KvResult.PutResult) leader.node()
                        .write(KvCommand.Put.of(Bytes.utf8("k" + (i % 7)), Bytes.utf8("v" + i))).get(5, TimeUnit.SECONDS);
                lastRevision = put.revision();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            for (ServerNode node : nodes.values()) {
                KvResult old;
                do {
                    Thread.sleep(20);
                    old = node.node().read(new KvCommand.Range(KeyRange.single(Bytes.utf8("k0")), 2, 0,
                            KvCommand.SortOrder.NONE, KvCommand.SortTarget.KEY, false, false, 0, 0, 0, 0), true)
                            .get(5, TimeUnit.SECONDS);
                } while (!(old instanceof KvResult.Failure) && System.nanoTime() < deadline);
                assertTrue(old instanceof KvResult.Failure failure && failure.error() == parley.kv.KvError.COMPACTED,
                        "node " + node.config().nodeId() + " compacted revision 2 away: " + old);
                KvResult.RangeResult latest = (KvResult.RangeResult) node.node()
                        .read(KvCommand.Range.of(KeyRange.single(Bytes.utf8("k0"))), true).get(5, TimeUnit.SECONDS);
                assertEquals("v399", new String(latest.kvs().get(0).value().bytes(), StandardCharsets.UTF_8));
                // Revision lastRevision - 50 is inside the window: it is the put of value i = 349 (key k6).
                KvResult.RangeResult inWindow = (KvResult.RangeResult) node.node().read(new KvCommand.Range(
                        KeyRange.single(Bytes.utf8("k6")), lastRevision - 50, 0, KvCommand.SortOrder.NONE,
                        KvCommand.SortTarget.KEY, false, false, 0, 0, 0, 0), true).get(5, TimeUnit.SECONDS);
                assertEquals("v349", new String(inWindow.kvs().get(0).value().bytes(), StandardCharsets.UTF_8));
            }
        } finally {
            nodes.values().forEach(ServerNode::close);
        }
    }

    static ServerConfig config(long id, Path dir, int[] peerPorts, String... extra) throws Exception {
        List<String> lines = new ArrayList<>(List.of("node-id = " + id, "cluster-name = test", "data-dir = " + dir.resolve("n" + id),
                "client-listen = 127.0.0.1:0", "http-listen = 127.0.0.1:0",
                "election-timeout-ms-min = 300", "election-timeout-ms-max = 600", "heartbeat-interval-ms = 50"));
        lines.addAll(List.of(extra));
        // A new cluster: each test starts on empty data directories (a test that wipes one says existing).
        if (java.util.Arrays.stream(extra).noneMatch(line -> line.startsWith("initial-cluster-state"))) lines.add("initial-cluster-state = new");
        for (int i = 0; i < peerPorts.length; i++) {
            lines.add("member." + (i + 1) + " = 127.0.0.1:" + peerPorts[i] + " 127.0.0.1:0");
        }
        return ServerConfig.parse("test", lines);
    }


    /**
     * Ports that are free now and stay free of port-0 binds: drawn below Linux's ephemeral range
     * (32768-60999), where servers started with port 0 never land, so a port handed out here cannot be
     * taken by another server of the same test between this check and its use.
     */
    static int[] freePorts(int count) throws IOException {
        int[] ports = new int[count];
        java.util.Set<Integer> taken = new java.util.HashSet<>();
        for (int i = 0; i < count; i++) {
            for (int attempt = 0; ; attempt++) {
                if (attempt > 1000) throw new IOException("no free port below the ephemeral range");
                int port = java.util.concurrent.ThreadLocalRandom.current().nextInt(20_000, 32_000);
                if (taken.contains(port)) continue;
                try (ServerSocket probe = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                    ports[i] = port;
                    taken.add(port);
                    break;
                } catch (IOException inUse) {
                    // try another
                }
            }
        }
        return ports;
    }

    static ServerNode awaitLeader(Map<Long, ServerNode> nodes) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            for (ServerNode n : nodes.values()) if (n.isLeader()) return n;
            Thread.sleep(10);
        }
        throw new AssertionError("no leader elected in 15 s");
    }
}
