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

    /**
     * Every acknowledged write is what {@code kv} reads, serializably (from that member's own state,
     * waited for up to 10 s while it catches up): nothing acknowledged was lost there.
     */
    static void assertHoldsAcknowledged(KVGrpc.KVBlockingStub kv, Map<String, String> acknowledged, String who) throws InterruptedException {
        org.junit.jupiter.api.Assertions.assertFalse(acknowledged.isEmpty(), "a check of nothing proves nothing");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (Map.Entry<String, String> write : acknowledged.entrySet()) {
            io.etcd.jetcd.api.RangeResponse read;
            do {
                read = kv.withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS).range(io.etcd.jetcd.api.RangeRequest.newBuilder()
                        .setKey(ByteString.copyFromUtf8(write.getKey())).setSerializable(true).build());
            } while ((read.getKvsCount() == 0 || !read.getKvs(0).getValue().toStringUtf8().equals(write.getValue()))
                    && System.nanoTime() < deadline && pause());
            org.junit.jupiter.api.Assertions.assertEquals(1, read.getKvsCount(), who + " lost acknowledged " + write.getKey());
            org.junit.jupiter.api.Assertions.assertEquals(write.getValue(), read.getKvs(0).getValue().toStringUtf8(), who + " holds " + write.getKey());
        }
    }

    /** Waits until {@code condition} holds, failing with {@code what} after 30 s. */
    static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
            Thread.sleep(20);
        }
    }

    /** The log records of {@code loggerName} and below while open (java.util.logging, what System.Logger writes to). */
    static final class LogCapture implements AutoCloseable {
        final List<java.util.logging.LogRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final java.util.logging.Logger logger;
        private final java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override public void publish(java.util.logging.LogRecord record) { records.add(record); }
            @Override public void flush() { }
            @Override public void close() { }
        };

        LogCapture(String loggerName) {
            logger = java.util.logging.Logger.getLogger(loggerName);
            logger.addHandler(handler);
        }

        List<String> messages() {
            return records.stream().map(java.util.logging.LogRecord::getMessage).toList();
        }

        @Override
        public void close() {
            logger.removeHandler(handler);
        }
    }

    /** Sleeps briefly and returns true, for polling loops' conditions. */
    static boolean pause() throws InterruptedException {
        Thread.sleep(50);
        return true;
    }
}
