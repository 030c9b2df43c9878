package parley.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import parley.keyspace.KeyspaceRegistry;
import parley.raft.RaftRole;
import parley.raft.RaftStatus;
import parley.replica.KvReplica;

/**
 * Keyspaces on a real three-node cluster: two keyspaces besides the default make four Raft groups on
 * every node (default, metadata, two keyspaces), each electing its own leader. Killing the node that
 * leads one keyspace's group (and only that group) moves that group's leadership and leaves every
 * other group's leader and term where they were. Clients write through etcd's API to every keyspace
 * throughout; each acknowledged write is then read back from its own keyspace (nothing acknowledged
 * lost), and a request spanning keyspaces is refused with FAILED_PRECONDITION naming them.
 */
class KeyspaceServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long WAIT_MS = 30_000;

    @Test
    void eachKeyspaceIsItsOwnGroupAndLosingOneLeaderMovesNoOtherGroup(@TempDir Path dir) throws Exception {
        int[] peerPorts = ServerNodeTest.freePorts(3);
        Map<Long, ServerNode> nodes = new TreeMap<>();
        List<ManagedChannel> channels = new ArrayList<>();
        try {
            for (long id = 1; id <= 3; id++) nodes.put(id, ServerNode.start(ServerNodeTest.config(id, dir, peerPorts)));
            ManagedChannel admin = channel(nodes.get(1L), channels);
            awaitLeaders(nodes, List.of(KvReplica.DEFAULT_GROUP_ID, KeyspaceRegistry.METADATA_GROUP_ID), "default and metadata groups have leaders");

            JsonNode orders = call(admin, KeyspaceAdminApi.CREATE, "{\"name\":\"orders\",\"prefix\":\"orders/\"}");
            JsonNode users = call(admin, KeyspaceAdminApi.CREATE, "{\"name\":\"users\",\"prefix\":\"users/\"}");
            long ordersGroup = orders.get("group").asLong();
            long usersGroup = users.get("group").asLong();
            List<Long> allGroups = List.of(KvReplica.DEFAULT_GROUP_ID, KeyspaceRegistry.METADATA_GROUP_ID, ordersGroup, usersGroup);
            awaitLeaders(nodes, allGroups, "all four groups have one leader that every node knows");
            for (ServerNode node : nodes.values()) assertEquals(4, node.node().groups().size(), "groups on n" + node.config().nodeId());
            String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + nodes.get(1L).httpPort() + "/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("parley_groups 4.0") && metrics.contains("parley_groups_quiesced ")
                    && metrics.contains("parley_groups_led "), metrics);
            StatusRuntimeException duplicate = assertThrows(StatusRuntimeException.class,
                    () -> call(admin, KeyspaceAdminApi.CREATE, "{\"name\":\"other\",\"prefix\":\"orders/x\"}"));
            assertEquals(Status.Code.FAILED_PRECONDITION, duplicate.getStatus().getCode());
            assertTrue(duplicate.getStatus().getDescription().contains("overlaps keyspace orders"), duplicate.getStatus().getDescription());

            // A node whose registry predates orders would route orders/ keys to the default keyspace: the
            // default group, fenced when orders was created, refuses such a write when it applies.
            long beforeAnyKeyspace = 1; // the registry's first revisions hold no keyspace (creating one writes two keys at once)
            parley.kv.KvResult misrouted = null;
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (misrouted == null) { // written on the default group's leader, wherever it is now
                ServerNode defaultLeader = nodes.values().stream()
                        .filter(n -> n.node().groups().get(KvReplica.DEFAULT_GROUP_ID).status().role() == parley.raft.RaftRole.LEADER)
                        .findFirst().orElse(nodes.get(1L));
                try {
                    misrouted = defaultLeader.node().write(KvReplica.DEFAULT_GROUP_ID,
                            parley.kv.KvCommand.Put.of(parley.kv.Bytes.utf8("orders/lost"), parley.kv.Bytes.utf8("x")), beforeAnyKeyspace)
                            .get(10, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof RaftKvNode.NotLeaderException) || System.nanoTime() > until) throw e;
                    Thread.sleep(20); // leadership moved between the look and the write
                }
            }
            assertEquals(parley.kv.KvError.REGISTRY_CHANGED, ((parley.kv.KvResult.Failure) misrouted).error(), misrouted.toString());

            // Node 3 leads the orders group and nothing else, so losing it may move only that group.
            long victim = 3;
            moveLeader(nodes, ordersGroup, victim);
            for (long group : List.of(KvReplica.DEFAULT_GROUP_ID, KeyspaceRegistry.METADATA_GROUP_ID, usersGroup)) moveLeader(nodes, group, 1 + group % 2);
            Map<Long, RaftStatus> before = new LinkedHashMap<>();
            for (long group : allGroups) before.put(group, nodes.get(1L).node().status(group));

            Map<String, String> acknowledged = new LinkedHashMap<>();
            ManagedChannel client = channel(nodes.get(1L), channels);
            for (int i = 0; i < 20; i++) {
                for (String key : List.of("orders/" + i, "users/" + i, "plain/" + i)) put(client, key, "v" + i, acknowledged);
            }
            nodes.remove(victim).halt();
            awaitCondition(() -> {
                RaftStatus s = nodes.get(1L).node().status(ordersGroup);
                return s.leaderId() != 0 && s.leaderId() != victim;
            }, "the orders group elects a leader among the survivors");
            for (long group : List.of(KvReplica.DEFAULT_GROUP_ID, KeyspaceRegistry.METADATA_GROUP_ID, usersGroup)) {
                for (ServerNode node : nodes.values()) {
                    RaftStatus now = node.node().status(group);
                    assertEquals(before.get(group).leaderId(), now.leaderId(), "group " + group + "'s leader on n" + node.config().nodeId());
                    assertEquals(before.get(group).term(), now.term(), "group " + group + "'s term on n" + node.config().nodeId());
                }
            }
            for (int i = 20; i < 40; i++) {
                for (String key : List.of("orders/" + i, "users/" + i, "plain/" + i)) put(client, key, "v" + i, acknowledged);
            }

            // Every acknowledged write is in its keyspace, read linearizably through a follower too.
            ManagedChannel reader = channel(nodes.get(2L), channels);
            for (Map.Entry<String, String> write : acknowledged.entrySet()) {
                RangeResponse got = KVGrpc.newBlockingStub(reader).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .range(RangeRequest.newBuilder().setKey(utf8(write.getKey())).build());
                assertEquals(1, got.getCount(), write.getKey());
                assertEquals(write.getValue(), got.getKvs(0).getValue().toStringUtf8(), write.getKey());
            }
            // Each keyspace counts its own revisions: 40 puts each, plus nothing else.
            RangeResponse ordersAll = KVGrpc.newBlockingStub(reader).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .range(RangeRequest.newBuilder().setKey(utf8("orders/")).setRangeEnd(utf8("orders0")).build());
            assertEquals(40, ordersAll.getCount());
            assertEquals(41, ordersAll.getHeader().getRevision(), "orders' revisions are its own");

            StatusRuntimeException spanning = assertThrows(StatusRuntimeException.class, () -> KVGrpc.newBlockingStub(reader)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .range(RangeRequest.newBuilder().setKey(utf8("a")).setRangeEnd(utf8("z")).build()));
            assertEquals(Status.Code.FAILED_PRECONDITION, spanning.getStatus().getCode());
            assertTrue(spanning.getStatus().getDescription().contains("spans keyspaces default and orders and users"),
                    spanning.getStatus().getDescription());

            JsonNode list = call(channel(nodes.get(2L), channels), KeyspaceAdminApi.LIST, "{}");
            assertEquals(List.of("default", "orders", "users"), names(list));
            // Each group's state lives in its own engine directory on every node; dropping the keyspace deletes it.
            for (ServerNode node : nodes.values()) {
                for (long group : allGroups) {
                    Path state = node.config().dataDir().resolve("state").resolve(Long.toString(group));
                    assertTrue(java.nio.file.Files.isRegularFile(state.resolve("CURRENT")), "a RocksDB database in " + state);
                }
            }
            call(admin, KeyspaceAdminApi.DROP, "{\"name\":\"users\"}");
            awaitCondition(() -> nodes.values().stream().allMatch(n -> n.node().status(usersGroup) == null),
                    "every surviving node destroyed the users group");
            for (ServerNode node : nodes.values()) {
                Path state = node.config().dataDir().resolve("state").resolve(Long.toString(usersGroup));
                assertTrue(!java.nio.file.Files.exists(state), "the dropped group's state is deleted: " + state);
            }
            assertEquals(List.of("default", "orders"), names(call(admin, KeyspaceAdminApi.LIST, "{}")));
            // The prefix falls back to the default keyspace; the dropped data is gone with its group.
            RangeResponse afterDrop = KVGrpc.newBlockingStub(reader).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .range(RangeRequest.newBuilder().setKey(utf8("users/1")).build());
            assertEquals(0, afterDrop.getCount());
        } finally {
            channels.forEach(ManagedChannel::shutdownNow);
            nodes.values().forEach(ServerNode::close);
        }
    }

    private static List<String> names(JsonNode list) {
        List<String> names = new ArrayList<>();
        list.path("keyspaces").forEach(k -> names.add(k.path("name").asText()));
        return names;
    }

    private static void put(ManagedChannel channel, String key, String value, Map<String, String> acknowledged) {
        KVGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .put(PutRequest.newBuilder().setKey(utf8(key)).setValue(utf8(value)).build());
        acknowledged.put(key, value);
    }

    /** Hands group {@code group}'s leadership to {@code target} and waits until every live node sees it there. */
    private static void moveLeader(Map<Long, ServerNode> nodes, long group, long target) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (true) {
            RaftStatus status = nodes.get(target).node().status(group);
            if (nodes.values().stream().allMatch(n -> n.node().status(group).leaderId() == target)) return;
            if (System.nanoTime() > deadline) throw new AssertionError("group " + group + " did not move to n" + target + ": " + status);
            long leader = status.leaderId();
            if (leader != 0 && leader != target && nodes.containsKey(leader)) {
                try {
                    nodes.get(leader).node().transferLeadership(group, target).get(5, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException refused) {
                    // Leadership moved meanwhile, or a transfer is under way: look again.
                }
            }
            awaitCondition(() -> nodes.get(target).node().status(group).role() == RaftRole.LEADER
                    || nodes.get(target).node().status(group).leaderId() != leader, "group " + group + " changes leader");
        }
    }

    private static void awaitLeaders(Map<Long, ServerNode> nodes, List<Long> groups, String what) throws InterruptedException {
        awaitCondition(() -> groups.stream().allMatch(group -> {
            long leader = -1;
            for (ServerNode node : nodes.values()) {
                RaftStatus status = node.node().status(group);
                if (status == null || status.leaderId() == 0 || (leader != -1 && status.leaderId() != leader)) return false;
                leader = status.leaderId();
            }
            return true;
        }), what);
    }

    private static void awaitCondition(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
            Thread.sleep(20);
        }
    }

    private static JsonNode call(ManagedChannel channel, io.grpc.MethodDescriptor<JsonNode, JsonNode> method, String request) throws Exception {
        return ClientCalls.blockingUnaryCall(channel, method, CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS), JSON.readTree(request));
    }

    private static ManagedChannel channel(ServerNode node, List<ManagedChannel> channels) {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", node.clientPort()).usePlaintext().build();
        channels.add(channel);
        return channel;
    }

    private static ByteString utf8(String s) {
        return ByteString.copyFrom(s, StandardCharsets.UTF_8);
    }
}
