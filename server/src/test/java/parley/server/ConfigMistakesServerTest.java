package parley.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static parley.server.EtcdApiClients.DEADLINE_MS;
import static parley.server.EtcdApiClients.put;
import static parley.server.EtcdApiClients.stub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.MemberListRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configuration mistakes an operator makes, each refused where it happens with a message that names
 * the difference or the address, while the cluster that was configured right keeps serving (every
 * acknowledged write read back).
 */
class ConfigMistakesServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long WAIT_MS = 30_000;

    @Test
    void aNodeWhoseMemberListNamesAFourthMemberIsRefusedByTheClusterAndNeverLeadsIt(@TempDir Path dir) throws Exception {
        int[] ports = ServerNodeTest.freePorts(4);
        int[] three = Arrays.copyOf(ports, 3);
        Map<Long, ServerNode> nodes = new TreeMap<>();
        List<ManagedChannel> channels = new ArrayList<>();
        try {
            nodes.put(1L, ServerNode.start(ServerNodeTest.config(1, dir, ports))); // names members 1..4
            nodes.put(2L, ServerNode.start(ServerNodeTest.config(2, dir, three)));
            nodes.put(3L, ServerNode.start(ServerNodeTest.config(3, dir, three)));
            ServerNode wrong = nodes.get(1L);
            Map<Long, ServerNode> right = new TreeMap<>(Map.of(2L, nodes.get(2L), 3L, nodes.get(3L)));
            ServerNode leader = ServerNodeTest.awaitLeader(right);

            String[] problem = {null};
            EtcdApiClients.await(() -> {
                JsonNode peer = status(wrong).path("peers").path("2");
                problem[0] = peer.path("problem").asText(null);
                return problem[0] != null;
            }, "node 1 reports why node 2 refuses it");
            assertTrue(problem[0].contains("founded by members [1, 2, 3, 4]") && problem[0].contains("founded by members [1, 2, 3]"),
                    "the refusal names both member lists: " + problem[0]);

            Map<String, String> acknowledged = new TreeMap<>();
            KVGrpc.KVBlockingStub kv = stub(channels, leader);
            for (int i = 0; i < 10; i++) put(kv, acknowledged, "k" + i, "v" + i);
            for (ServerNode node : right.values()) {
                ManagedChannel channel = channel(node, channels);
                var members = ClusterGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS)
                        .memberList(MemberListRequest.getDefaultInstance()).getMembersList();
                assertEquals(List.of(1L, 2L, 3L), new TreeSet<>(members.stream().map(m -> m.getID()).toList()).stream().toList());
                for (var write : acknowledged.entrySet()) {
                    RangeResponse read = KVGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS)
                            .range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(write.getKey())).build());
                    assertEquals(write.getValue(), read.getKvs(0).getValue().toStringUtf8());
                }
            }
            assertTrue(wrong.node().status().leaderId() != 1, "the misconfigured node never leads the cluster");
            assertEquals(0, wrong.node().status().commitIndex(), "nothing the cluster committed came from or reached node 1");
        } finally {
            channels.forEach(ManagedChannel::shutdownNow);
            nodes.values().forEach(ServerNode::close);
        }
    }

    @Test
    void aSecondProcessWithTheSameNodeIdIsRefusedAndStopsWhileTheFirstServes(@TempDir Path dir) throws Exception {
        int[] ports = ServerNodeTest.freePorts(4);
        int[] three = Arrays.copyOf(ports, 3);
        Map<Long, ServerNode> nodes = new TreeMap<>();
        List<ManagedChannel> channels = new ArrayList<>();
        ServerNode impostor = null;
        try {
            for (long id = 1; id <= 3; id++) nodes.put(id, ServerNode.start(ServerNodeTest.config(id, dir, three)));
            ServerNodeTest.awaitLeader(nodes);
            impostor = ServerNode.start(ServerNodeTest.config(3, dir.resolve("impostor"), three,
                    "peer-listen = 127.0.0.1:" + ports[3]));
            ServerNode second = impostor;
            EtcdApiClients.await(() -> second.fatalReason() != null, "the second process with node id 3 is told to stop");
            assertTrue(second.fatalReason().contains("a second process with node id 3 is refused"), second.fatalReason());

            Map<String, String> acknowledged = new TreeMap<>();
            KVGrpc.KVBlockingStub viaThree = stub(channels, nodes.get(3L));
            for (int i = 0; i < 10; i++) put(viaThree, acknowledged, "k" + i, "v" + i);
            for (ServerNode node : nodes.values()) {
                for (var write : acknowledged.entrySet()) {
                    RangeResponse read = stub(channels, node).withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS)
                            .range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(write.getKey())).build());
                    assertEquals(write.getValue(), read.getKvs(0).getValue().toStringUtf8());
                }
            }
        } finally {
            channels.forEach(ManagedChannel::shutdownNow);
            if (impostor != null) impostor.close();
            nodes.values().forEach(ServerNode::close);
        }
    }

    @Test
    void everyBindErrorNamesTheAddressAndWhatItWasForAndLeavesNothingRunning(@TempDir Path dir) throws Exception {
        int[] ports = ServerNodeTest.freePorts(1);
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String address = "127.0.0.1:" + taken.getLocalPort();
            Map<String, String> expected = Map.of(
                    "client-listen = " + address, "cannot listen for etcd clients on " + address + " (client-listen): Address already in use",
                    "http-listen = " + address, "cannot listen for HTTP (metrics, health, status) on " + address + " (http-listen): Address already in use",
                    "peer-listen = " + address, "node 1 cannot listen for peers on " + address + " (peer-listen): Address already in use");
            for (var mistake : expected.entrySet()) {
                ServerConfig config = withLine(ServerNodeTest.config(1, dir, ports), mistake.getKey());
                Exception refused = assertThrows(Exception.class, () -> ServerNode.start(config).close());
                assertEquals(mistake.getValue(), refused.getMessage());
            }
        }
        // Nothing of the failed starts kept running: the data directory is free, the ports too.
        try (ServerNode node = ServerNode.start(ServerNodeTest.config(1, dir, ports))) {
            ServerNodeTest.awaitLeader(Map.of(1L, node));
        }
    }

    @Test
    void anUnreachablePeerIsLoggedWithItsAddressOnceAndNotAtEveryRedial(@TempDir Path dir) throws Exception {
        int[] ports = ServerNodeTest.freePorts(3);
        try (EtcdApiClients.LogCapture log = new EtcdApiClients.LogCapture("parley.transport");
             ServerNode alone = ServerNode.start(ServerNodeTest.config(1, dir, ports))) {
            EtcdApiClients.await(() -> alone.transport().counters().connectFailures() >= 20, "node 1 redials its unreachable peers many times");
            List<LogRecord> records = log.records;
            for (int peer = 2; peer <= 3; peer++) {
                String line = "node 1: cannot reach node " + peer + " at /127.0.0.1:" + ports[peer - 1];
                long lines = records.stream().filter(r -> r.getMessage().startsWith(line)).count();
                assertEquals(1, lines, "one line for an unreachable peer, not one per redial: " + log.messages());
                assertTrue(records.stream().filter(r -> r.getMessage().startsWith(line)).allMatch(r -> r.getLevel() == Level.WARNING
                        && r.getThrown() == null), "a warning without a stack trace");
            }
            JsonNode peer = status(alone).path("peers").path("2");
            assertEquals(false, peer.path("connected").asBoolean());
            assertTrue(peer.path("problem").asText().startsWith("cannot reach node 2 at /127.0.0.1:" + ports[1]), peer.toString());
        }
    }

    @Test
    void aMemberWhoseLogWasDeletedIsReportedAsLostStateNotStartedAfresh(@TempDir Path dir) throws Exception {
        int[] ports = ServerNodeTest.freePorts(1);
        ServerConfig config = ServerNodeTest.config(1, dir, ports);
        try (ServerNode node = ServerNode.start(config)) {
            ServerNodeTest.awaitLeader(Map.of(1L, node));
            Map<String, String> acknowledged = new TreeMap<>();
            List<ManagedChannel> channels = new ArrayList<>();
            put(stub(channels, node), acknowledged, "k", "v");
            channels.forEach(ManagedChannel::shutdownNow);
        }
        List<Path> before;
        try (var files = java.nio.file.Files.list(config.dataDir())) {
            before = files.filter(p -> !p.getFileName().toString().startsWith("wal-")).sorted().toList();
        }
        try (var files = java.nio.file.Files.list(config.dataDir())) {
            for (Path wal : files.filter(p -> p.getFileName().toString().startsWith("wal-")).toList()) java.nio.file.Files.delete(wal);
        }
        java.io.IOException refused = assertThrows(java.io.IOException.class, () -> ServerNode.start(config).close());
        assertTrue(refused.getMessage().contains("belongs to cluster 'test' founded by members [1]")
                && refused.getMessage().contains("holds no write-ahead log") && refused.getMessage().contains("Nothing was deleted"),
                refused.getMessage());
        try (var files = java.nio.file.Files.list(config.dataDir())) {
            assertEquals(before, files.sorted().toList(), "what was left is still there, and no new log was started");
        }
    }

    /** {@code config} with one of its lines ({@code key = value}) replaced. */
    private static ServerConfig withLine(ServerConfig config, String line) throws Exception {
        String key = line.substring(0, line.indexOf('=')).strip();
        List<String> lines = new ArrayList<>(List.of("node-id = " + config.nodeId(), "cluster-name = " + config.clusterName(),
                "data-dir = " + config.dataDir(), "client-listen = " + config.clientListen(), "http-listen = " + config.httpListen(),
                "peer-listen = " + config.peerListen()));
        lines.removeIf(l -> l.startsWith(key + " "));
        lines.add(line);
        for (ServerConfig.Member m : config.members().values()) lines.add("member." + m.id() + " = " + m.peer() + " " + m.client());
        return ServerConfig.parse("test", lines);
    }

    private static JsonNode status(ServerNode node) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + node.httpPort() + "/status")).build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        } catch (java.io.IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ManagedChannel channel(ServerNode node, List<ManagedChannel> channels) {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", node.clientPort()).usePlaintext().build();
        channels.add(channel);
        return channel;
    }
}
