package parley.etcdapi;

/**
 * The limits of the etcd API server, validated on construction.
 *
 * @param requestBytesMax the largest request accepted, as etcd's {@code --max-request-bytes} (default
 *     1.5 MiB); larger ones get {@code etcdserver: request is too large}. gRPC itself refuses messages
 *     more than {@link #GRPC_OVERHEAD_BYTES} above it, as etcd's server does.
 * @param requestTimeoutMs how long a unary request may wait for the backend before it fails with
 *     {@code etcdserver: request timed out} (etcd: 5 s plus two election timeouts)
 * @param watchProgressNotifyIntervalMs how often a watch created with {@code progress_notify} hears
 *     a progress notice when it had no events (etcd: 10 minutes)
 * @param shutdownGraceMs how long {@link EtcdGrpcServer#stop()} lets calls in flight finish
 */
public record EtcdApiConfig(int requestBytesMax, long requestTimeoutMs, long watchProgressNotifyIntervalMs,
        long shutdownGraceMs) {
    /** What etcd's gRPC server allows on top of the request limit, for framing and the envelope. */
    public static final int GRPC_OVERHEAD_BYTES = 512 * 1024;

    public EtcdApiConfig {
        require(requestBytesMax >= 1024 && requestBytesMax <= 64 * 1024 * 1024, "1 KiB <= requestBytesMax <= 64 MiB");
        require(requestTimeoutMs >= 1, "requestTimeoutMs >= 1");
        require(watchProgressNotifyIntervalMs >= 1, "watchProgressNotifyIntervalMs >= 1");
        require(shutdownGraceMs >= 0, "shutdownGraceMs >= 0");
    }

    /** etcd's defaults. */
    public static EtcdApiConfig defaults() {
        return new EtcdApiConfig(1536 * 1024, 7_000, 600_000, 2_000);
    }

    /** The most bytes gRPC accepts in one message. */
    public int grpcInboundMessageBytesMax() {
        return requestBytesMax + GRPC_OVERHEAD_BYTES;
    }

    public EtcdApiConfig withRequestBytesMax(int bytesMax) {
        return new EtcdApiConfig(bytesMax, requestTimeoutMs, watchProgressNotifyIntervalMs, shutdownGraceMs);
    }

    public EtcdApiConfig withRequestTimeoutMs(long timeoutMs) {
        return new EtcdApiConfig(requestBytesMax, timeoutMs, watchProgressNotifyIntervalMs, shutdownGraceMs);
    }

    public EtcdApiConfig withWatchProgressNotifyIntervalMs(long intervalMs) {
        return new EtcdApiConfig(requestBytesMax, requestTimeoutMs, intervalMs, shutdownGraceMs);
    }

    public EtcdApiConfig withShutdownGraceMs(long graceMs) {
        return new EtcdApiConfig(requestBytesMax, requestTimeoutMs, watchProgressNotifyIntervalMs, graceMs);
    }

    private static void require(boolean condition, String rule) {
        if (!condition) {
            throw new IllegalArgumentException("invalid etcd API config: " + rule);
        }
    }
}
