package parley.kv;

/**
 * The limits of the key-value state machine. Every replica of a group must use the same values for
 * the replicated ones (marked below), or replicas would answer the same command differently.
 *
 * @param txnOpsMax the most compares, success ops or failure ops one transaction may carry (etcd's
 *     {@code --max-txn-ops}, default 128); replicated
 * @param txnDepthMax how deeply transactions may nest; replicated
 * @param leaseTtlSecondsMin grants below this TTL are raised to it (etcd derives it from the
 *     election timeout); replicated
 * @param leaseTtlSecondsMax grants above this TTL fail (etcd's {@code MaxLeaseTTL}); replicated
 * @param watchBatchEventsMax a watch response carries at most this many events, unless a single
 *     revision alone has more (revisions are never split); local
 * @param watchPendingEventsMax events buffered for one watcher before it falls back to catching up
 *     from history, so a slow reader cannot grow memory without bound; local
 * @param watchersMax the most watchers one replica serves at once; local
 * @param watchBlockedEventsMax events buffered in total, across the replica, for watchers whose
 *     consumers have stopped reading (see {@link WatchHub#block}); past it such a watcher drops its
 *     buffer and catches up from history once its consumer reads again, so thousands of stalled
 *     readers cost memory in proportion to this bound, not to the writes they miss; local
 */
public record KvConfig(int txnOpsMax, int txnDepthMax, long leaseTtlSecondsMin, long leaseTtlSecondsMax,
        int watchBatchEventsMax, int watchPendingEventsMax, int watchersMax, int watchBlockedEventsMax) {
    public KvConfig {
        require(txnOpsMax >= 1, "txnOpsMax >= 1");
        require(txnDepthMax >= 1 && txnDepthMax <= KvCodec.TXN_DEPTH_MAX, "1 <= txnDepthMax <= " + KvCodec.TXN_DEPTH_MAX);
        require(leaseTtlSecondsMin >= 1, "leaseTtlSecondsMin >= 1");
        require(leaseTtlSecondsMax >= leaseTtlSecondsMin, "leaseTtlSecondsMax >= leaseTtlSecondsMin");
        // Deadlines are kept in nanoseconds; a larger TTL would overflow a long.
        require(leaseTtlSecondsMax <= 9_000_000_000L, "leaseTtlSecondsMax <= 9e9 (etcd's MaxLeaseTTL)");
        require(watchBatchEventsMax >= 1, "watchBatchEventsMax >= 1");
        require(watchPendingEventsMax >= watchBatchEventsMax, "watchPendingEventsMax >= watchBatchEventsMax");
        require(watchersMax >= 1, "watchersMax >= 1");
        require(watchBlockedEventsMax >= 0, "watchBlockedEventsMax >= 0");
    }

    /** The limits of etcd 3.4 without the blocked-watcher bound (it defaults to 100,000 events). */
    public KvConfig(int txnOpsMax, int txnDepthMax, long leaseTtlSecondsMin, long leaseTtlSecondsMax,
            int watchBatchEventsMax, int watchPendingEventsMax, int watchersMax) {
        this(txnOpsMax, txnDepthMax, leaseTtlSecondsMin, leaseTtlSecondsMax, watchBatchEventsMax, watchPendingEventsMax,
                watchersMax, WATCH_BLOCKED_EVENTS_MAX_DEFAULT);
    }

    /** Default of {@link #watchBlockedEventsMax}: some 10 MB of buffered event references at most (values are shared). */
    public static final int WATCH_BLOCKED_EVENTS_MAX_DEFAULT = 100_000;

    /** etcd's defaults where etcd has them. */
    public static KvConfig defaults() {
        return new KvConfig(128, KvCodec.TXN_DEPTH_MAX, 1, 9_000_000_000L, 1000, 10_000, 100_000);
    }

    private static void require(boolean condition, String rule) {
        if (!condition) {
            throw new IllegalArgumentException("invalid kv config: " + rule);
        }
    }
}
