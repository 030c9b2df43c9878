package parley.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static parley.server.EtcdApiClients.DEADLINE_MS;
import static parley.server.EtcdApiClients.pause;
import static parley.server.EtcdApiClients.put;
import static parley.server.EtcdApiClients.stub;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk, end to end through the etcd API: the node whose disk fills refuses writes with etcd's
 * "database space exceeded" (after at most one write of unknown outcome), hands leadership away so the
 * other two keep accepting writes, still answers reads, and after a restart with room on disk every
 * node holds every acknowledged write.
 */
class DiskFullServerTest {

    @Test
    void aFullDiskRefusesWritesWithNoSpaceMovesLeadershipAndLosesNothingAcknowledged(@TempDir Path dir) throws Exception {
        int[] peerPorts = ServerNodeTest.freePorts(3);
        Map<Long, ServerNode> nodes = new TreeMap<>();
        List<ManagedChannel> channels = new ArrayList<>();
        Map<String, String> acknowledged = new TreeMap<>();
        try {
            for (long id = 1; id <= 3; id++) {
                nodes.put(id, ServerNode.start(ServerNodeTest.config(id, dir, peerPorts, "fault-injection = on")));
            }
            ServerNode full = ServerNodeTest.awaitLeader(nodes);
            KVGrpc.KVBlockingStub viaFull = stub(channels, full);
            for (int i = 0; i < 20; i++) put(viaFull, acknowledged, "k" + i, "before-" + i);

            full.faults().diskFull(true);
            String refusal = null;
            for (int attempt = 0; attempt < 5 && refusal == null; attempt++) {
                try {
                    put(viaFull, acknowledged, "k-full-" + attempt, "v");
                } catch (StatusRuntimeException e) {
                    if (String.valueOf(e.getStatus().getDescription()).contains("database space exceeded")) refusal = e.getStatus().toString();
                    // Otherwise the outcome is unknown (the first write can time out while the log fails).
                }
            }
            assertTrue(refusal != null, "the node with the full disk says why it refuses writes");

            ServerNode other = nodes.values().stream().filter(n -> n != full).findFirst().orElseThrow();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            boolean accepted = false;
            for (int i = 0; !accepted && System.nanoTime() < deadline; i++) {
                try {
                    put(stub(channels, other), acknowledged, "k-after-" + i, "after-" + i);
                    accepted = true;
                } catch (StatusRuntimeException e) {
                    Thread.sleep(100); // leadership is moving
                }
            }
            assertTrue(accepted, "the two nodes with room keep accepting writes");
            assertTrue(nodes.values().stream().anyMatch(n -> n != full && n.isLeader()), "a node with room leads now");
            RangeResponse read = viaFull.withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS)
                    .range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("k7")).build());
            assertEquals("before-7", read.getKvs(0).getValue().toStringUtf8(), "it still serves reads");

            for (ManagedChannel c : channels) c.shutdownNow();
            channels.clear();
            for (ServerNode n : nodes.values()) n.close();
            nodes.clear();
            for (long id = 1; id <= 3; id++) nodes.put(id, ServerNode.start(ServerNodeTest.config(id, dir, peerPorts)));
            ServerNodeTest.awaitLeader(nodes);
            for (ServerNode n : nodes.values()) {
                KVGrpc.KVBlockingStub stub = stub(channels, n);
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                for (Map.Entry<String, String> write : acknowledged.entrySet()) {
                    RangeResponse r;
                    do {
                        r = stub.withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS).range(RangeRequest.newBuilder()
                                .setKey(ByteString.copyFromUtf8(write.getKey())).setSerializable(true).build());
                    } while (r.getKvsCount() == 0 && System.nanoTime() < until && pause());
                    assertEquals(1, r.getKvsCount(), "node " + n.config().nodeId() + " lost acknowledged " + write.getKey());
                    assertEquals(write.getValue(), r.getKvs(0).getValue().toStringUtf8());
                }
            }
        } finally {
            for (ManagedChannel c : channels) c.shutdownNow();
            nodes.values().forEach(ServerNode::close);
        }
    }
}
