package parley.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static parley.server.EtcdApiClients.DEADLINE_MS;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrantResponse;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One limit per thing, the same through every node: what fits etcd's request limit is accepted
 * through a follower as through the leader (the Raft log, the forward and the reply all carry it),
 * a range answer of any size comes back through a follower, txns nest as deep as etcd's and past
 * that are refused with one precise message, and lease ids follow etcd's rules. Every reply is
 * judged against what was acknowledged.
 */
class LimitsServerTest {
    /** Just under etcd's default --max-request-bytes (1.5 MiB), above Raft's old 1 MiB append bound. */
    private static final int LARGE_VALUE_BYTES = 1_500_000;

    @TempDir static Path dir;
    private static final Map<Long, ServerNode> nodes = new TreeMap<>();
    private static final List<ManagedChannel> channels = new ArrayList<>();
    private static ServerNode leader;
    private static ServerNode follower;

    @BeforeAll
    static void startCluster() throws Exception {
        int[] peerPorts = ServerNodeTest.freePorts(3);
        for (long id = 1; id <= 3; id++) nodes.put(id, ServerNode.start(ServerNodeTest.config(id, dir, peerPorts)));
        leader = ServerNodeTest.awaitLeader(nodes);
        follower = nodes.values().stream().filter(n -> n != leader).findFirst().orElseThrow();
    }

    @AfterAll
    static void stopCluster() {
        channels.forEach(ManagedChannel::shutdownNow);
        nodes.values().forEach(ServerNode::close);
    }

    private static ManagedChannel channel(ServerNode node) {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", node.clientPort()).usePlaintext()
                .maxInboundMessageSize(64 << 20).build();
        channels.add(channel);
        return channel;
    }

    private static KVGrpc.KVBlockingStub kv(ServerNode node) {
        return KVGrpc.newBlockingStub(channel(node)).withDeadlineAfter(DEADLINE_MS * 2, TimeUnit.MILLISECONDS);
    }

    private static ByteString utf8(String s) {
        return ByteString.copyFromUtf8(s);
    }

    @Test
    void aValueWithinTheRequestLimitIsAcceptedThroughAFollowerAndReadBackEverywhere() {
        ByteString value = ByteString.copyFrom(new byte[LARGE_VALUE_BYTES]);
        kv(follower).put(PutRequest.newBuilder().setKey(utf8("large")).setValue(value).build());
        for (ServerNode node : nodes.values()) {
            RangeResponse read = kv(node).range(RangeRequest.newBuilder().setKey(utf8("large")).build());
            assertEquals(1, read.getKvsCount(), "node " + node.config().nodeId() + " reads the acknowledged value");
            assertEquals(value, read.getKvs(0).getValue(), "node " + node.config().nodeId() + " reads it whole");
        }
    }

    @Test
    void aRangeAnswerLargerThanAPeerFrameComesBackThroughAFollower() {
        Map<String, Integer> acknowledged = new TreeMap<>();
        for (int i = 0; i < 6; i++) {
            kv(leader).put(PutRequest.newBuilder().setKey(utf8("wide/" + i)).setValue(ByteString.copyFrom(new byte[1_000_000 + i])).build());
            acknowledged.put("wide/" + i, 1_000_000 + i);
        }
        RangeRequest wide = RangeRequest.newBuilder().setKey(utf8("wide/")).setRangeEnd(utf8("wide0")).build();
        for (ServerNode node : List.of(follower, leader)) {
            RangeResponse answer = kv(node).range(wide);
            Map<String, Integer> seen = new TreeMap<>();
            answer.getKvsList().forEach(kv -> seen.put(kv.getKey().toStringUtf8(), kv.getValue().size()));
            assertEquals(acknowledged, seen, "the 6 MB answer through node " + node.config().nodeId());
        }
    }

    private static TxnRequest nested(int depth) {
        TxnRequest txn = TxnRequest.newBuilder().addSuccess(RequestOp.newBuilder().setRequestPut(
                PutRequest.newBuilder().setKey(utf8("deep")).setValue(utf8("depth " + depth)))).build();
        for (int level = 1; level < depth; level++) {
            txn = TxnRequest.newBuilder().addSuccess(RequestOp.newBuilder().setRequestTxn(txn)).build();
        }
        return txn;
    }

    /**
     * Txn through a client whose parser takes answers as deep as etcd's Go client does (protobuf-java's
     * default stops at 100 message levels; a depth-64 answer has about 130).
     */
    private static TxnResponse deepTxn(ServerNode node, TxnRequest request) {
        io.grpc.MethodDescriptor<TxnRequest, TxnResponse> method = KVGrpc.getTxnMethod().toBuilder()
                .setResponseMarshaller(new io.grpc.MethodDescriptor.Marshaller<TxnResponse>() {
                    @Override public java.io.InputStream stream(TxnResponse value) { return value.toByteString().newInput(); }
                    @Override public TxnResponse parse(java.io.InputStream stream) {
                        try {
                            com.google.protobuf.CodedInputStream in = com.google.protobuf.CodedInputStream.newInstance(stream);
                            in.setRecursionLimit(1_000);
                            return TxnResponse.parseFrom(in);
                        } catch (java.io.IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }).build();
        return io.grpc.stub.ClientCalls.blockingUnaryCall(channel(node), method,
                io.grpc.CallOptions.DEFAULT.withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS), request);
    }

    @Test
    void txnsNestAsDeepAsEtcdsAndDeeperOnesAreRefusedWithOnePreciseMessage() {
        for (ServerNode node : List.of(leader, follower)) {
            TxnResponse accepted = deepTxn(node, nested(64));
            assertTrue(accepted.getSucceeded());
            RangeResponse read = kv(node).range(RangeRequest.newBuilder().setKey(utf8("deep")).build());
            assertEquals("depth 64", read.getKvs(0).getValue().toStringUtf8());
            for (int depth : new int[] {65, 100, 300}) {
                StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> deepTxn(node, nested(depth)));
                assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode(), refused.toString());
                assertEquals("parley: txn nests " + depth + " deep; at most 64 levels are accepted", refused.getStatus().getDescription(),
                        "depth " + depth + " through node " + node.config().nodeId());
            }
        }
    }

    @Test
    void theLockServiceWorksThroughAnyNode() throws Exception {
        LeaseGrpc.LeaseBlockingStub lease = LeaseGrpc.newBlockingStub(channel(leader)).withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS);
        long first = lease.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60).build()).getID();
        long second = lease.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60).build()).getID();
        var viaFollower = io.etcd.jetcd.api.lock.LockGrpc.newFutureStub(channel(follower));
        var viaLeader = io.etcd.jetcd.api.lock.LockGrpc.newFutureStub(channel(leader));
        var held = viaFollower.lock(io.etcd.jetcd.api.lock.LockRequest.newBuilder().setName(utf8("cron")).setLease(first).build())
                .get(10, TimeUnit.SECONDS);
        var waiting = viaLeader.lock(io.etcd.jetcd.api.lock.LockRequest.newBuilder().setName(utf8("cron")).setLease(second).build());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (kv(leader).range(RangeRequest.newBuilder().setKey(utf8("cron/")).setRangeEnd(utf8("cron0")).build()).getCount() < 2
                && System.nanoTime() < deadline) Thread.onSpinWait();
        assertTrue(!waiting.isDone(), "the second waits while the first holds the lock");
        viaFollower.unlock(io.etcd.jetcd.api.lock.UnlockRequest.newBuilder().setKey(held.getKey()).build()).get(10, TimeUnit.SECONDS);
        assertEquals(utf8("cron/" + Long.toHexString(second)), waiting.get(10, TimeUnit.SECONDS).getKey());
    }

    @Test
    void leaseIdsFollowEtcdsRules() {
        LeaseGrpc.LeaseBlockingStub lease = LeaseGrpc.newBlockingStub(channel(follower)).withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS);
        for (long id : new long[] {-1, Long.MIN_VALUE, Long.MAX_VALUE}) {
            LeaseGrantResponse granted = lease.leaseGrant(LeaseGrantRequest.newBuilder().setID(id).setTTL(30).build());
            assertEquals(id, granted.getID(), "etcd grants any id but 0, which asks the server to pick");
            kv(follower).put(PutRequest.newBuilder().setKey(utf8("leased" + id)).setValue(utf8("v")).setLease(id).build());
            RangeResponse read = kv(leader).range(RangeRequest.newBuilder().setKey(utf8("leased" + id)).build());
            assertEquals(id, read.getKvs(0).getLease());
            StatusRuntimeException twice = assertThrows(StatusRuntimeException.class,
                    () -> lease.leaseGrant(LeaseGrantRequest.newBuilder().setID(id).setTTL(30).build()));
            assertEquals("etcdserver: lease already exists", twice.getStatus().getDescription());
            lease.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(id).build());
            assertEquals(0, kv(leader).range(RangeRequest.newBuilder().setKey(utf8("leased" + id)).build()).getKvsCount(),
                    "revoking the lease deleted its key");
        }
        LeaseGrantResponse picked = lease.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(30).build());
        assertTrue(picked.getID() > 0, "an id the server picks is positive, as etcd's: " + picked.getID());
    }
}
