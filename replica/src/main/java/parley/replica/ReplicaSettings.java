package parley.replica;

import java.util.function.UnaryOperator;
import parley.core.env.RandomSource;
import parley.raft.RaftConfig;

/**
 * Everything that tunes one Raft KV replica: Raft's own configuration and the replica's policy. The
 * server builds its settings with {@link #standard}; the simulator draws a random valid set per seed
 * with {@link #random}, from ranges that include the server's values, so a seed exercises the same
 * code with the settings a deployment could have.
 *
 * @param raft                      Raft's configuration
 * @param historyRetentionRevisions revisions of history the leader keeps before proposing a compaction (0: never by count)
 * @param historyRetentionBytes     bytes of superseded history above which the leader compacts the older half (0: no byte bound)
 * @param quotaBytes                key and value bytes the store may hold before writes that add data are refused (0: no quota)
 * @param leaseCheckIntervalMs      how often a leader looks for expired leases and due compactions
 * @param watchProgressIntervalMs   how often every watch gets a progress notice (0: only when asked)
 */
public record ReplicaSettings(RaftConfig raft, long historyRetentionRevisions, long historyRetentionBytes, long quotaBytes,
                              long leaseCheckIntervalMs, long watchProgressIntervalMs) {
    /** etcd's default lease-expiry check cadence is 500 ms; leases are granted in whole seconds. */
    public static final long LEASE_CHECK_INTERVAL_MS_DEFAULT = 500;

    public ReplicaSettings {
        if (historyRetentionRevisions < 0) throw new IllegalArgumentException("historyRetentionRevisions must be >= 0: " + historyRetentionRevisions);
        if (historyRetentionBytes < 0) throw new IllegalArgumentException("historyRetentionBytes must be >= 0: " + historyRetentionBytes);
        if (quotaBytes < 0) throw new IllegalArgumentException("quotaBytes must be >= 0: " + quotaBytes);
        if (leaseCheckIntervalMs < 1) throw new IllegalArgumentException("leaseCheckIntervalMs must be >= 1: " + leaseCheckIntervalMs);
        if (watchProgressIntervalMs < 0) throw new IllegalArgumentException("watchProgressIntervalMs must be >= 0: " + watchProgressIntervalMs);
    }

    /**
     * The server's settings: Raft's defaults with the deployment's timeouts, a snapshot per 100,000
     * entries (like etcd's --snapshot-count: a snapshot serializes the whole store on the node's
     * thread) or once the log holds more than half the quota (at most 64 MiB: the log since the last
     * snapshot stays in memory), and history compacted past a quarter of the quota.
     */
    public static ReplicaSettings standard(long electionTimeoutMsMin, long electionTimeoutMsMax, long heartbeatIntervalMs,
                                           long quotaBytes, long historyRetentionRevisions) {
        RaftConfig raft = RaftConfig.builder()
                .electionTimeoutMs(electionTimeoutMsMin, electionTimeoutMsMax)
                .heartbeatIntervalMs(heartbeatIntervalMs)
                .snapshotThresholdEntries(100_000)
                .snapshotThresholdBytes(Math.min(64L << 20, Math.max(1L << 20, quotaBytes / 2)))
                .quiesce(true)
                .build();
        return new ReplicaSettings(raft, historyRetentionRevisions, quotaBytes / 4, quotaBytes, LEASE_CHECK_INTERVAL_MS_DEFAULT, 0);
    }

    /**
     * A random valid set for one simulated seed. Timeouts are short (simulated time is cheap but
     * not free), and thresholds reach down to values that make snapshots, chunked transfers and
     * compactions happen within a thousand operations; the server's values are among the draws.
     * Watches get progress notices, which the simulated watchers rely on to tell a live stream from
     * a dead one.
     */
    public static ReplicaSettings random(RandomSource random) {
        long electionMin = pick(random, 150, 150, 300, 500);
        long heartbeat = Math.max(10, electionMin / pick(random, 3, 4, 6, 10));
        RaftConfig raft = RaftConfig.builder()
                .electionTimeoutMs(electionMin, electionMin * 2)
                .heartbeatIntervalMs(heartbeat)
                .maxEntriesPerAppend((int) pick(random, 1, 8, 64, 64))
                .maxInflightAppends((int) pick(random, 1, 2, 8, 8))
                .snapshotThresholdEntries(pick(random, 32, 128, 1_000, 100_000))
                .snapshotThresholdBytes(pick(random, 4 << 10, 64 << 10, 1 << 20, 64L << 20))
                .snapshotChunkBytes((int) pick(random, 512, 4096, 64 << 10, 256 << 10))
                .snapshotChunkTimeoutMs(200)
                .build();
        long retentionRevisions = pick(random, 0, 0, 20, 100, 1_000);
        long retentionBytes = pick(random, 0, 0, 8 << 10, 256 << 10);
        long leaseCheckMs = pick(random, 100, 500, 500, 1_000);
        boolean quiesce = random.nextInt(2) == 0; // drawn last: the draws above stay what they were per seed
        return new ReplicaSettings(raft.toBuilder().quiesce(quiesce).build(), retentionRevisions, retentionBytes, 0, leaseCheckMs, 100);
    }

    /** The same settings with Raft's configuration changed by {@code change}. */
    public ReplicaSettings withRaft(UnaryOperator<RaftConfig.Builder> change) {
        return new ReplicaSettings(change.apply(raft.toBuilder()).build(), historyRetentionRevisions, historyRetentionBytes,
                quotaBytes, leaseCheckIntervalMs, watchProgressIntervalMs);
    }

    /** One line for traces and reports. */
    public String describe() {
        return "election=" + raft.electionTimeoutMsMin() + "-" + raft.electionTimeoutMsMax() + "ms heartbeat=" + raft.heartbeatIntervalMs()
                + "ms append=" + raft.maxEntriesPerAppend() + "x" + raft.maxInflightAppends()
                + " snapshot=" + raft.snapshotThresholdEntries() + "e/" + raft.snapshotThresholdBytes() + "B chunk=" + raft.snapshotChunkBytes()
                + "B retention=" + historyRetentionRevisions + "rev/" + historyRetentionBytes + "B quota=" + quotaBytes
                + "B leaseCheck=" + leaseCheckIntervalMs + "ms" + (raft.leaseReads() ? " lease-reads" : "") + (raft.quiesce() ? " quiesce" : "");
    }

    private static long pick(RandomSource random, long... choices) {
        return choices[random.nextInt(choices.length)];
    }
}
