package parley.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import parley.kv.Bytes;
import parley.kv.KvCommand;
import parley.membership.MemberState;

/**
 * SWIM in the real server: three nodes come to see each other ALIVE; a node that stops without a word
 * is suspected and then declared DEAD by both others, yet stays in the Raft configuration and the
 * remaining majority keeps accepting writes; restarted, it refutes its death and every view converges
 * back to three ALIVE members. A graceful stop is seen as LEFT, not DEAD.
 */
class MembershipServerTest {
    private static final long WAIT_MS = 40_000;

    @Test
    void aSilentNodeIsSuspectedThenDeadButNotRemovedAndRejoinsAfterRestart(@TempDir Path dir) throws Exception {
        int[] peerPorts = ServerNodeTest.freePorts(3);
        Map<Long, ServerNode> nodes = new TreeMap<>();
        try {
            for (long id = 1; id <= 3; id++) nodes.put(id, ServerNode.start(ServerNodeTest.config(id, dir, peerPorts)));
            awaitViews(nodes, view -> allInState(view, 3, MemberState.ALIVE), "every node sees three ALIVE members");

            String status = get("http://127.0.0.1:" + nodes.get(1L).httpPort() + "/status");
            assertTrue(status.contains("\"membership\"") && status.contains("\"phi\""), status);
            String metrics = get("http://127.0.0.1:" + nodes.get(1L).httpPort() + "/metrics");
            assertTrue(metrics.contains("parley_membership_phi{peer=\"2\"}"), metrics);

            long victim = nodes.keySet().stream().filter(id -> !nodes.get(id).isLeader()).findFirst().orElseThrow();
            nodes.remove(victim).halt();
            awaitViews(nodes, view -> stateOf(view, victim) == MemberState.DEAD, "both survivors declare node " + victim + " DEAD");
            for (ServerNode node : nodes.values()) {
                assertTrue(node.membership().view().removalCandidates().contains(victim), "reported as a removal candidate");
                assertEquals(3, node.node().status().config().voters().size(), "gossip removed nobody from the Raft configuration");
            }
            ServerNode leader = nodes.values().stream().filter(ServerNode::isLeader).findFirst().orElse(nodes.values().iterator().next());
            leader.node().write(KvCommand.Put.of(Bytes.utf8("k"), Bytes.utf8("v"))).get(10, TimeUnit.SECONDS);

            nodes.put(victim, ServerNode.start(ServerNodeTest.config(victim, dir, peerPorts)));
            awaitViews(nodes, view -> allInState(view, 3, MemberState.ALIVE), "the restarted node refuted its death everywhere");
            for (ServerNode node : nodes.values()) {
                if (node.config().nodeId() == victim) continue;
                assertTrue(incarnationOf(node.membership().view(), victim) > 0, "rejoined with a higher incarnation");
            }

            long leaving = nodes.keySet().stream().filter(id -> !nodes.get(id).isLeader()).findFirst().orElseThrow();
            nodes.remove(leaving).close();
            awaitViews(nodes, view -> stateOf(view, leaving) == MemberState.LEFT, "a graceful stop is seen as LEFT");
        } finally {
            nodes.values().forEach(ServerNode::close);
        }
    }

    /**
     * Removal goes through consensus: a DEAD member leaves the cluster only when an operator asks
     * (etcd's MemberRemove, sent here to a follower, which forwards it to the leader) and the Raft
     * configuration change commits; then every node forgets it, and the two left keep accepting writes.
     */
    @Test
    void aDeadMemberLeavesOnlyThroughARaftConfigurationChange(@TempDir Path dir) throws Exception {
        int[] peerPorts = ServerNodeTest.freePorts(3);
        Map<Long, ServerNode> nodes = new TreeMap<>();
        io.grpc.ManagedChannel channel = null;
        try {
            for (long id = 1; id <= 3; id++) nodes.put(id, ServerNode.start(ServerNodeTest.config(id, dir, peerPorts)));
            awaitViews(nodes, view -> allInState(view, 3, MemberState.ALIVE), "every node sees three ALIVE members");
            long victim = nodes.keySet().stream().filter(id -> !nodes.get(id).isLeader()).findFirst().orElseThrow();
            nodes.remove(victim).halt();
            awaitViews(nodes, view -> stateOf(view, victim) == MemberState.DEAD, "both survivors declare node " + victim + " DEAD");
            for (ServerNode node : nodes.values()) assertEquals(3, node.node().status().config().members().size(), "gossip removed nobody");

            ServerNode follower = nodes.values().stream().filter(n -> !n.isLeader()).findFirst().orElseThrow();
            io.grpc.ManagedChannel toFollower = io.grpc.ManagedChannelBuilder.forAddress("127.0.0.1", follower.clientPort()).usePlaintext().build();
            channel = toFollower;
            var cluster = io.etcd.jetcd.api.ClusterGrpc.newBlockingStub(toFollower).withDeadlineAfter(10, TimeUnit.SECONDS);
            var removed = cluster.memberRemove(io.etcd.jetcd.api.MemberRemoveRequest.newBuilder().setID(victim).build());
            assertEquals(2, removed.getMembersCount(), removed.toString());
            assertTrue(removed.getMembersList().stream().noneMatch(m -> m.getID() == victim), removed.toString());
            var again = org.junit.jupiter.api.Assertions.assertThrows(io.grpc.StatusRuntimeException.class, () -> io.etcd.jetcd.api.ClusterGrpc
                    .newBlockingStub(toFollower).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .memberRemove(io.etcd.jetcd.api.MemberRemoveRequest.newBuilder().setID(victim).build()));
            assertEquals("etcdserver: member not found", again.getStatus().getDescription());

            awaitViews(nodes, view -> view.members().size() == 2 && stateOf(view, victim) == null, "every view forgot node " + victim);
            for (ServerNode node : nodes.values()) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (node.node().status().config().members().size() != 2 && System.nanoTime() < deadline) Thread.sleep(20);
                assertEquals(java.util.Set.copyOf(nodes.keySet()), java.util.Set.copyOf(node.node().status().config().members()));
            }
            ServerNode leader = nodes.values().stream().filter(ServerNode::isLeader).findFirst().orElseThrow();
            leader.node().write(KvCommand.Put.of(Bytes.utf8("after"), Bytes.utf8("removal"))).get(10, TimeUnit.SECONDS);
        } finally {
            if (channel != null) channel.shutdownNow();
            nodes.values().forEach(ServerNode::close);
        }
    }

    private static boolean allInState(MembershipRuntime.View view, int count, MemberState state) {
        return view.members().size() == count && view.members().stream().allMatch(m -> m.state() == state);
    }

    private static MemberState stateOf(MembershipRuntime.View view, long id) {
        return view.members().stream().filter(m -> m.id() == id).map(MembershipRuntime.MemberView::state).findFirst().orElse(null);
    }

    private static long incarnationOf(MembershipRuntime.View view, long id) {
        return view.members().stream().filter(m -> m.id() == id).mapToLong(MembershipRuntime.MemberView::incarnation).findFirst().orElse(-1);
    }

    private static void awaitViews(Map<Long, ServerNode> nodes, Predicate<MembershipRuntime.View> ok, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (System.nanoTime() < deadline) {
            if (nodes.values().stream().allMatch(n -> n.membership().view() != null && ok.test(n.membership().view()))) return;
            Thread.sleep(50);
        }
        StringBuilder views = new StringBuilder();
        nodes.forEach((id, n) -> views.append("\n  node ").append(id).append(": ").append(n.membership().view()));
        throw new AssertionError("timed out waiting until " + what + views);
    }

    private static String get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
