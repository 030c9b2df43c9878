package parley.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static parley.server.EtcdApiClients.DEADLINE_MS;
import static parley.server.EtcdApiClients.pause;
import static parley.server.EtcdApiClients.put;
import static parley.server.EtcdApiClients.stub;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
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
 * Snapshots of the store are still built on the heap, so it has a quota (quota-backend-bytes), end to end through the etcd API:
 * puts past it fail with etcd's "database space exceeded" and nothing else happens; deletes still pass,
 * the leader compacts the history they leave, and puts are accepted again. Every node ends up holding
 * exactly the acknowledged writes that were not deleted.
 */
class QuotaServerTest {
    private static final long QUOTA_BYTES = 300_000;
    private static final String VALUE = "v".repeat(20_000);

    @Test
    void putsPastTheQuotaFailWithNoSpaceAndDeletesMakeRoomAgain(@TempDir Path dir) throws Exception {
        int[] peerPorts = ServerNodeTest.freePorts(3);
        Map<Long, ServerNode> nodes = new TreeMap<>();
        List<ManagedChannel> channels = new ArrayList<>();
        Map<String, String> acknowledged = new TreeMap<>();
        try {
            for (long id = 1; id <= 3; id++) {
                nodes.put(id, ServerNode.start(ServerNodeTest.config(id, dir, peerPorts, "quota-backend-bytes = " + QUOTA_BYTES)));
            }
            ServerNode leader = ServerNodeTest.awaitLeader(nodes);
            KVGrpc.KVBlockingStub kv = stub(channels, leader);

            StatusRuntimeException refusal = null;
            int accepted = 0;
            for (int i = 0; i < 40 && refusal == null; i++) {
                try {
                    put(kv, acknowledged, "q" + i, VALUE + i);
                    accepted++;
                } catch (StatusRuntimeException e) {
                    refusal = e;
                }
            }
            assertTrue(refusal != null, "40 puts of 20 KB cannot fit a 300 KB quota");
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, refusal.getStatus().getCode(), refusal.toString());
            assertEquals("etcdserver: mvcc: database space exceeded", refusal.getStatus().getDescription());
            assertTrue(accepted >= 10, "puts are accepted up to the quota: " + accepted);
            assertTrue(leader.node().storedBytes() <= QUOTA_BYTES, "the store never passes the quota: " + leader.node().storedBytes());

            kv.withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS).deleteRange(DeleteRangeRequest.newBuilder()
                    .setKey(ByteString.copyFromUtf8("q")).setRangeEnd(ByteString.copyFromUtf8("r")).build());
            acknowledged.clear();

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            boolean roomAgain = false;
            while (!roomAgain && System.nanoTime() < deadline) {
                try {
                    put(kv, acknowledged, "after", VALUE);
                    roomAgain = true;
                } catch (StatusRuntimeException e) {
                    assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode(), e.toString());
                    Thread.sleep(100); // the leader's next compaction frees the deleted values
                }
            }
            assertTrue(roomAgain, "after the deletes and a compaction, puts are accepted again");

            for (ServerNode n : nodes.values()) {
                KVGrpc.KVBlockingStub stub = stub(channels, n);
                RangeResponse all;
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                do {
                    all = stub.withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS).range(RangeRequest.newBuilder()
                            .setKey(ByteString.copyFromUtf8("a")).setRangeEnd(ByteString.copyFromUtf8("z")).setSerializable(true).build());
                } while (all.getKvsCount() != acknowledged.size() && System.nanoTime() < until && pause());
                Map<String, String> held = new TreeMap<>();
                all.getKvsList().forEach(e -> held.put(e.getKey().toStringUtf8(), e.getValue().toStringUtf8()));
                assertEquals(acknowledged, held, "node " + n.config().nodeId() + " holds exactly the acknowledged, undeleted writes");
            }
        } finally {
            for (ManagedChannel c : channels) c.shutdownNow();
            nodes.values().forEach(ServerNode::close);
        }
    }
}
