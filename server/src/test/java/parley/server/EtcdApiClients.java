package parley.server;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What the end-to-end server tests do as etcd clients: open a stub, put and record what was acknowledged. */
final class EtcdApiClients {
    static final long DEADLINE_MS = 5_000;

    private EtcdApiClients() {}

    /** A blocking KV stub on {@code node}'s client port; its channel joins {@code channels} for the caller to close. */
    static KVGrpc.KVBlockingStub stub(List<ManagedChannel> channels, ServerNode node) {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", node.clientPort()).usePlaintext().build();
        channels.add(channel);
        return KVGrpc.newBlockingStub(channel);
    }

    /** Puts through the API; records the write as acknowledged only when the response came back. */
    static void put(KVGrpc.KVBlockingStub stub, Map<String, String> acknowledged, String key, String value) {
        stub.withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS).put(PutRequest.newBuilder()
                .setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8(value)).build());
        acknowledged.put(key, value);
    }

    /** Sleeps briefly and returns true, for polling loops' conditions. */
    static boolean pause() throws InterruptedException {
        Thread.sleep(50);
        return true;
    }
}
