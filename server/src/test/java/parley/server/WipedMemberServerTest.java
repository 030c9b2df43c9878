package parley.server;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static parley.server.EtcdApiClients.put;
import static parley.server.EtcdApiClients.stub;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member whose data directory was wiped never votes with the data it lost: started empty (and
 * without initial-cluster-state = new) it joins, takes the log from the leader and votes only once it
 * has caught up. Two of three members wiped and started first used to form a quorum of empty members
 * and acknowledge writes that vanished when the third came back; now they acknowledge nothing, and
 * every write acknowledged before is still there. Every read is judged against what was acknowledged.
 */
class WipedMemberServerTest {
    private static final long WAIT_MS = 30_000;

    @Test
    void aWipedMemberRejoinsWithoutAVoteCatchesUpAndHoldsEveryAcknowledgedWrite(@TempDir Path dir) throws Exception {
        int[] ports = ServerNodeTest.freePorts(3);
        Map<Long, ServerNode> nodes = new TreeMap<>();
        List<ManagedChannel> channels = new ArrayList<>();
        Map<String, String> acknowledged = new TreeMap<>();
        try {
            for (long id = 1; id <= 3; id++) nodes.put(id, ServerNode.start(ServerNodeTest.config(id, dir, ports)));
            ServerNode leader = ServerNodeTest.awaitLeader(nodes);
            KVGrpc.KVBlockingStub kv = stub(channels, leader);
            for (int i = 0; i < 30; i++) put(kv, acknowledged, "k" + i, "v" + i);
            long wiped = nodes.keySet().stream().filter(id -> nodes.get(id) != leader).findFirst().orElseThrow();
            nodes.remove(wiped).close();
            deleteTree(dir.resolve("n" + wiped));
            for (int i = 30; i < 40; i++) put(kv, acknowledged, "k" + i, "v" + i); // written while it is gone

            ServerNode rejoined = ServerNode.start(ServerNodeTest.config(wiped, dir, ports, "initial-cluster-state = existing"));
            nodes.put(wiped, rejoined);
            EtcdApiClients.await(() -> !rejoined.node().groups().get(1L).catchingUp() && rejoined.node().groups().get(1L).status().appliedIndex()
                    >= leader.node().status().commitIndex(), "the wiped member caught up and votes again");
            String identity = Files.readString(dir.resolve("n" + wiped).resolve("cluster"));
            assertTrue(identity.contains("lost-state = true"), "it remembers that it joined empty: " + identity);
            EtcdApiClients.assertHoldsAcknowledged(stub(channels, rejoined), acknowledged, "the rejoined member");
            put(stub(channels, rejoined), acknowledged, "after", "rejoin");
            for (ServerNode node : nodes.values()) EtcdApiClients.assertHoldsAcknowledged(stub(channels, node), acknowledged, "node " + node.config().nodeId());
        } finally {
            channels.forEach(ManagedChannel::shutdownNow);
            nodes.values().forEach(ServerNode::close);
        }
    }

    @Test
    void twoOfThreeWipedAcknowledgeNothingAndLoseNothing(@TempDir Path dir) throws Exception {
        int[] ports = ServerNodeTest.freePorts(3);
        Map<Long, ServerNode> nodes = new TreeMap<>();
        List<ManagedChannel> channels = new ArrayList<>();
        Map<String, String> acknowledged = new TreeMap<>();
        try {
            for (long id = 1; id <= 3; id++) nodes.put(id, ServerNode.start(ServerNodeTest.config(id, dir, ports)));
            ServerNode leader = ServerNodeTest.awaitLeader(nodes);
            for (int i = 0; i < 20; i++) put(stub(channels, leader), acknowledged, "k" + i, "v" + i);
            long commit = leader.node().status().commitIndex();
            EtcdApiClients.await(() -> nodes.values().stream().allMatch(n -> n.node().status().appliedIndex() >= commit), "every node applied every write");
            channels.forEach(ManagedChannel::shutdownNow);
            channels.clear();
            for (ServerNode node : nodes.values()) node.close();
            nodes.clear();

            // Nodes 1 and 2 lose their data and start first, as they would after a careless restore.
            deleteTree(dir.resolve("n1"));
            deleteTree(dir.resolve("n2"));
            for (long id = 1; id <= 2; id++) {
                nodes.put(id, ServerNode.start(ServerNodeTest.config(id, dir, ports, "initial-cluster-state = existing")));
            }
            for (int attempt = 0; attempt < 3; attempt++) {
                int i = attempt;
                StatusRuntimeException refused = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                        () -> stub(channels, nodes.get(1L)).withDeadlineAfter(1_000, TimeUnit.MILLISECONDS).put(PutRequest.newBuilder()
                                .setKey(ByteString.copyFromUtf8("k0")).setValue(ByteString.copyFromUtf8("overwritten-" + i)).build()),
                        "two empty members must not acknowledge a write");
                assertTrue(refused.getStatus().getCode() != io.grpc.Status.Code.OK);
            }
            nodes.put(3L, ServerNode.start(ServerNodeTest.config(3, dir, ports)));
            // The intact member's log holds every acknowledged write (it applies them once a leader says they
            // are committed); no leader can be elected (the empty ones do not vote), so nothing is
            // acknowledged that could later vanish.
            assertTrue(nodes.get(3L).node().status().lastIndex() >= commit, "the intact member's log holds every acknowledged write");
            assertTrue(nodes.values().stream().allMatch(n -> !n.isLeader()), "no leader without a majority that holds the data");
            assertTrue(nodes.get(1L).node().groups().get(1L).catchingUp() && nodes.get(2L).node().groups().get(1L).catchingUp());

            // The documented recovery (docs/server.md): stop every member, copy the intact member's data
            // directory over the lost ones, start them all.
            channels.forEach(ManagedChannel::shutdownNow);
            channels.clear();
            for (ServerNode node : nodes.values()) node.close();
            nodes.clear();
            for (long id = 1; id <= 2; id++) {
                deleteTree(dir.resolve("n" + id));
                copyTree(dir.resolve("n3"), dir.resolve("n" + id));
            }
            for (long id = 1; id <= 3; id++) {
                nodes.put(id, ServerNode.start(ServerNodeTest.config(id, dir, ports, "initial-cluster-state = existing")));
            }
            ServerNode recovered = ServerNodeTest.awaitLeader(nodes);
            put(stub(channels, recovered), acknowledged, "after", "recovery");
            for (ServerNode node : nodes.values()) EtcdApiClients.assertHoldsAcknowledged(stub(channels, node), acknowledged, "node " + node.config().nodeId());
        } finally {
            channels.forEach(ManagedChannel::shutdownNow);
            nodes.values().forEach(ServerNode::close);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(file);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) Files.createDirectories(target);
                else Files.copy(source, target);
            }
        }
    }
}
