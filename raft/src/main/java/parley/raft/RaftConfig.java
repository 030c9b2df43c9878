package parley.raft;

/**
 * Tuning and limits of a Raft node, validated on construction. Every node of a cluster must use the
 * same {@code maxSessions} (session eviction is part of the replicated state); other values may
 * differ between nodes.
 *
 * @param electionTimeoutMsMin      lower bound of the randomized election timeout; also the check-quorum
 *                                  interval and the window in which a node that heard from a leader
 *                                  refuses to vote for others
 * @param electionTimeoutMsMax      upper bound (exclusive) of the randomized election timeout
 * @param heartbeatIntervalMs       how often a leader sends heartbeats
 * @param preVote                   ask before campaigning, so a partitioned node cannot disrupt a leader
 * @param checkQuorum               a leader steps down when it has not heard from a quorum for an election
 *                                  timeout, and voters ignore campaigns while they hear from a leader
 * @param maxEntriesPerAppend       at most this many entries in one append message
 * @param maxAppendBytes            at most this many entry bytes in one append (a larger single entry is
 *                                  rejected at proposal)
 * @param maxInflightAppends        pipelining window: unacknowledged appends per follower
 * @param snapshotThresholdEntries  take a snapshot (and compact the log) when more than this many
 *                                  entries have been applied since the last one
 * @param snapshotThresholdBytes    ... or when the entries applied since the last one hold more than
 *                                  this many bytes: the log since the last snapshot stays in memory,
 *                                  so large values need a byte bound as well as a count
 * @param snapshotChunkBytes        size of one snapshot chunk sent to a lagging follower
 * @param snapshotChunkTimeoutMs    resend an unacknowledged snapshot chunk after this long
 * @param leaseReads                serve reads without a confirmation round while the leader lease holds
 *                                  (requires checkQuorum; relies on bounded clock drift)
 * @param maxClockDriftPpm          assumed bound on the rate difference of two nodes' clocks
 * @param leaseFraction             fraction of the minimum election timeout the lease lasts, in (0, 1]
 * @param maxPendingProposals       proposals accepted but not yet applied, per leader
 * @param maxPendingReads           reads waiting for confirmation or apply
 * @param maxSessions               client sessions remembered; the least recently used is evicted
 * @param quiesce                   an idle leader stops heartbeating once every follower has everything,
 *                                  and followers stop their election timers; the runtime wakes a follower
 *                                  ({@link RaftNode#wake}) when its node-level failure detector suspects
 *                                  the leader's node
 */
public record RaftConfig(
        long electionTimeoutMsMin,
        long electionTimeoutMsMax,
        long heartbeatIntervalMs,
        boolean preVote,
        boolean checkQuorum,
        int maxEntriesPerAppend,
        long maxAppendBytes,
        int maxInflightAppends,
        long snapshotThresholdEntries,
        long snapshotThresholdBytes,
        int snapshotChunkBytes,
        long snapshotChunkTimeoutMs,
        boolean leaseReads,
        long maxClockDriftPpm,
        double leaseFraction,
        int maxPendingProposals,
        int maxPendingReads,
        int maxSessions,
        boolean quiesce) {

    /** Defaults close to etcd's: 100 ms heartbeats, 1-2 s election timeouts. */
    public static final RaftConfig DEFAULT = builder().build();

    public RaftConfig {
        require(heartbeatIntervalMs > 0, "heartbeatIntervalMs must be positive");
        require(electionTimeoutMsMin > heartbeatIntervalMs, "electionTimeoutMsMin must exceed heartbeatIntervalMs");
        require(electionTimeoutMsMax > electionTimeoutMsMin, "electionTimeoutMsMax must exceed electionTimeoutMsMin");
        require(maxEntriesPerAppend > 0, "maxEntriesPerAppend must be positive");
        require(maxAppendBytes >= 64, "maxAppendBytes must be at least 64");
        require(maxInflightAppends > 0, "maxInflightAppends must be positive");
        require(snapshotThresholdEntries > 0, "snapshotThresholdEntries must be positive");
        require(snapshotThresholdBytes > 0, "snapshotThresholdBytes must be positive");
        require(snapshotChunkBytes > 0, "snapshotChunkBytes must be positive");
        require(snapshotChunkTimeoutMs > 0, "snapshotChunkTimeoutMs must be positive");
        require(!leaseReads || checkQuorum, "leaseReads requires checkQuorum (voters must refuse campaigns during a lease)");
        require(maxClockDriftPpm >= 0 && maxClockDriftPpm < 100_000, "maxClockDriftPpm must be in [0, 100000)");
        require(leaseFraction > 0 && leaseFraction <= 1, "leaseFraction must be in (0, 1]");
        require(maxPendingProposals > 0, "maxPendingProposals must be positive");
        require(maxPendingReads > 0, "maxPendingReads must be positive");
        require(maxSessions > 0, "maxSessions must be positive");
    }

    public long electionTimeoutNsMin() { return electionTimeoutMsMin * 1_000_000L; }
    public long electionTimeoutNsMax() { return electionTimeoutMsMax * 1_000_000L; }
    public long heartbeatIntervalNs() { return heartbeatIntervalMs * 1_000_000L; }
    public long snapshotChunkTimeoutNs() { return snapshotChunkTimeoutMs * 1_000_000L; }

    /**
     * How long after sending a heartbeat round that a quorum acknowledged the leader may serve reads
     * locally: voters refuse other candidates for {@code electionTimeoutMsMin} after hearing from the
     * leader (measured on their own clocks, which may run fast by the drift bound).
     */
    public long leaseDurationNs() {
        double ns = electionTimeoutNsMin() * leaseFraction * (1_000_000.0 - maxClockDriftPpm) / 1_000_000.0;
        return (long) ns;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.electionTimeoutMsMin = electionTimeoutMsMin;
        b.electionTimeoutMsMax = electionTimeoutMsMax;
        b.heartbeatIntervalMs = heartbeatIntervalMs;
        b.preVote = preVote;
        b.checkQuorum = checkQuorum;
        b.maxEntriesPerAppend = maxEntriesPerAppend;
        b.maxAppendBytes = maxAppendBytes;
        b.maxInflightAppends = maxInflightAppends;
        b.snapshotThresholdEntries = snapshotThresholdEntries;
        b.snapshotThresholdBytes = snapshotThresholdBytes;
        b.snapshotChunkBytes = snapshotChunkBytes;
        b.snapshotChunkTimeoutMs = snapshotChunkTimeoutMs;
        b.leaseReads = leaseReads;
        b.maxClockDriftPpm = maxClockDriftPpm;
        b.leaseFraction = leaseFraction;
        b.maxPendingProposals = maxPendingProposals;
        b.maxPendingReads = maxPendingReads;
        b.maxSessions = maxSessions;
        b.quiesce = quiesce;
        return b;
    }

    private static void require(boolean condition, String message) {
        if (!condition) throw new IllegalArgumentException("invalid RaftConfig: " + message);
    }

    /** Mutable builder with the defaults; {@link #build()} validates. */
    public static final class Builder {
        private long electionTimeoutMsMin = 1000;
        private long electionTimeoutMsMax = 2000;
        private long heartbeatIntervalMs = 100;
        private boolean preVote = true;
        private boolean checkQuorum = true;
        private int maxEntriesPerAppend = 64;
        private long maxAppendBytes = 1 << 20;
        private int maxInflightAppends = 8;
        private long snapshotThresholdEntries = 10_000;
        private long snapshotThresholdBytes = 64L << 20;
        private int snapshotChunkBytes = 256 * 1024;
        private long snapshotChunkTimeoutMs = 500;
        private boolean leaseReads = false;
        private long maxClockDriftPpm = 1000;
        private double leaseFraction = 0.9;
        private int maxPendingProposals = 4096;
        private int maxPendingReads = 4096;
        private int maxSessions = 10_000;
        private boolean quiesce = false;

        private Builder() {}

        public Builder electionTimeoutMs(long min, long max) { electionTimeoutMsMin = min; electionTimeoutMsMax = max; return this; }
        public Builder heartbeatIntervalMs(long v) { heartbeatIntervalMs = v; return this; }
        public Builder preVote(boolean v) { preVote = v; return this; }
        public Builder checkQuorum(boolean v) { checkQuorum = v; return this; }
        public Builder maxEntriesPerAppend(int v) { maxEntriesPerAppend = v; return this; }
        public Builder maxAppendBytes(long v) { maxAppendBytes = v; return this; }
        public Builder maxInflightAppends(int v) { maxInflightAppends = v; return this; }
        public Builder snapshotThresholdEntries(long v) { snapshotThresholdEntries = v; return this; }
        public Builder snapshotThresholdBytes(long v) { snapshotThresholdBytes = v; return this; }
        public Builder snapshotChunkBytes(int v) { snapshotChunkBytes = v; return this; }
        public Builder snapshotChunkTimeoutMs(long v) { snapshotChunkTimeoutMs = v; return this; }
        public Builder leaseReads(boolean v) { leaseReads = v; return this; }
        public Builder maxClockDriftPpm(long v) { maxClockDriftPpm = v; return this; }
        public Builder leaseFraction(double v) { leaseFraction = v; return this; }
        public Builder maxPendingProposals(int v) { maxPendingProposals = v; return this; }
        public Builder maxPendingReads(int v) { maxPendingReads = v; return this; }
        public Builder maxSessions(int v) { maxSessions = v; return this; }
        public Builder quiesce(boolean v) { quiesce = v; return this; }

        public RaftConfig build() {
            return new RaftConfig(electionTimeoutMsMin, electionTimeoutMsMax, heartbeatIntervalMs, preVote, checkQuorum,
                    maxEntriesPerAppend, maxAppendBytes, maxInflightAppends, snapshotThresholdEntries,
                    snapshotThresholdBytes, snapshotChunkBytes, snapshotChunkTimeoutMs, leaseReads, maxClockDriftPpm, leaseFraction,
                    maxPendingProposals, maxPendingReads, maxSessions, quiesce);
        }
    }
}
