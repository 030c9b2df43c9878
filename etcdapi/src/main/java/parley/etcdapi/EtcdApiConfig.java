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
 * @param inflightRequestsMax unary requests the server works on at once, all clients together; one
 *     more is refused at once with etcd's {@code etcdserver: too many requests} (see {@link InflightLimit})
 * @param inflightBytesMax the bytes of those requests, all together; same refusal past it
 */
public record EtcdApiConfig(int requestBytesMax, long requestTimeoutMs, long watchProgressNotifyIntervalMs,
        long shutdownGraceMs, int inflightRequestsMax, long inflightBytesMax) {
    /** What etcd's gRPC server allows on top of the request limit, for framing and the envelope. */
    public static final int GRPC_OVERHEAD_BYTES = 512 * 1024;

    public EtcdApiConfig {
        require(requestBytesMax >= 1024 && requestBytesMax <= 64 * 1024 * 1024, "1 KiB <= requestBytesMax <= 64 MiB");
        require(requestTimeoutMs >= 1, "requestTimeoutMs >= 1");
        require(watchProgressNotifyIntervalMs >= 1, "watchProgressNotifyIntervalMs >= 1");
        require(shutdownGraceMs >= 0, "shutdownGraceMs >= 0");
        require(inflightRequestsMax >= 1, "inflightRequestsMax >= 1");
        require(inflightBytesMax >= requestBytesMax, "inflightBytesMax >= requestBytesMax (one largest request must fit)");
    }

    /**
     * etcd's defaults, and in-flight bounds etcd does not have: 10,000 requests, 256 MiB (what a node
     * may hold of requests it has not answered yet, whatever the clients send).
     */
    public static EtcdApiConfig defaults() {
        return new EtcdApiConfig(1536 * 1024, 7_000, 600_000, 2_000, 10_000, 256L << 20);
    }

    /** The most bytes gRPC accepts in one message. */
    public int grpcInboundMessageBytesMax() {
        return requestBytesMax + GRPC_OVERHEAD_BYTES;
    }

    public EtcdApiConfig withRequestBytesMax(int bytesMax) {
        return new EtcdApiConfig(bytesMax, requestTimeoutMs, watchProgressNotifyIntervalMs, shutdownGraceMs, inflightRequestsMax,
                Math.max(inflightBytesMax, bytesMax));
    }

    public EtcdApiConfig withRequestTimeoutMs(long timeoutMs) {
        return new EtcdApiConfig(requestBytesMax, timeoutMs, watchProgressNotifyIntervalMs, shutdownGraceMs, inflightRequestsMax,
                inflightBytesMax);
    }

    public EtcdApiConfig withWatchProgressNotifyIntervalMs(long intervalMs) {
        return new EtcdApiConfig(requestBytesMax, requestTimeoutMs, intervalMs, shutdownGraceMs, inflightRequestsMax, inflightBytesMax);
    }

    public EtcdApiConfig withShutdownGraceMs(long graceMs) {
        return new EtcdApiConfig(requestBytesMax, requestTimeoutMs, watchProgressNotifyIntervalMs, graceMs, inflightRequestsMax,
                inflightBytesMax);
    }

    public EtcdApiConfig withInflightLimits(int requestsMax, long bytesMax) {
        return new EtcdApiConfig(requestBytesMax, requestTimeoutMs, watchProgressNotifyIntervalMs, shutdownGraceMs, requestsMax, bytesMax);
    }

    private static void require(boolean condition, String rule) {
        if (!condition) {
            throw new IllegalArgumentException("invalid etcd API config: " + rule);
        }
    }
}
