package parley.membership;

/**
 * Settings of a {@link SwimNode}. The defaults follow hashicorp/memberlist's LAN profile, which is also
 * what the Lifeguard paper measured: a 1 s protocol period, 500 ms probe timeout, 3 indirect probes,
 * retransmit multiplier 4, suspicion multiplier 4 and maximum suspicion timeout 6x the minimum.
 *
 * @param probeIntervalMs          the protocol period: one probe per period (times the local health multiplier)
 * @param probeTimeoutMs           how long to wait for a direct ack before asking helpers (times the multiplier)
 * @param indirectProbes           k: helpers asked to probe a member that missed its direct ack
 * @param retransmitMult           lambda: each update is piggybacked about lambda * ceil(log10(N + 1)) times
 * @param gossipPerMessageMax      cap on updates piggybacked on one message
 * @param gossipIntervalMs         besides piggybacking, every this often queued updates go to
 *                                 {@code gossipFanout} random members in a message of their own (memberlist's
 *                                 gossip round: news spreads in a second instead of over several probe
 *                                 periods, which a refutation racing a suspicion timeout needs); 0 = piggyback only
 * @param gossipFanout             members per gossip round
 * @param suspicionMult            the minimum suspicion timeout is suspicionMult * max(1, log10 N) probe intervals
 * @param suspicionMaxTimeoutMult  Lifeguard: the suspicion timeout starts at this multiple of the minimum and
 *                                 shrinks as independent confirmations arrive (1 = fixed timeout)
 * @param pushPullIntervalMs       full-state exchange with one random member, scaled up for large clusters; 0 = off
 * @param pushPullChunkMax         updates per push-pull message; a full state travels in several
 * @param localHealthMax           Lifeguard: the local health multiplier's ceiling (probe interval and
 *                                 timeout grow up to this factor); 1 disables local health
 * @param lifeguard                Lifeguard on: local health, nacks, dynamic suspicion timeouts and the buddy
 *                                 system; off: plain SWIM with a fixed suspicion timeout
 * @param localStallThresholdMs    a probe timer firing at least this late means this node itself stalled:
 *                                 the probe in flight is abandoned instead of blamed on its target
 * @param joinRetryMs              while no seed has answered, the join is retried this often
 * @param forwardsMax              indirect probes this node runs for others at once; more are refused
 * @param phi                      the per-peer phi detector fed by every message received (a suspicion level
 *                                 for status pages; SWIM's own decisions do not use it)
 */
public record SwimConfig(
        long probeIntervalMs,
        long probeTimeoutMs,
        int indirectProbes,
        int retransmitMult,
        int gossipPerMessageMax,
        long gossipIntervalMs,
        int gossipFanout,
        int suspicionMult,
        int suspicionMaxTimeoutMult,
        long pushPullIntervalMs,
        int pushPullChunkMax,
        int localHealthMax,
        boolean lifeguard,
        long localStallThresholdMs,
        long joinRetryMs,
        int forwardsMax,
        PhiConfig phi) {

    public SwimConfig {
        require(probeIntervalMs > 0, "probeIntervalMs must be positive");
        require(probeTimeoutMs > 0 && probeTimeoutMs < probeIntervalMs, "probeTimeoutMs must be in (0, probeIntervalMs)");
        require(indirectProbes >= 0 && indirectProbes <= 16, "indirectProbes must be in 0..16");
        require(retransmitMult >= 1 && retransmitMult <= 64, "retransmitMult must be in 1..64");
        require(gossipPerMessageMax >= 1 && gossipPerMessageMax <= 64, "gossipPerMessageMax must be in 1..64");
        require(gossipIntervalMs >= 0, "gossipIntervalMs must be >= 0");
        require(gossipFanout >= 1 && gossipFanout <= 16, "gossipFanout must be in 1..16");
        require(suspicionMult >= 1 && suspicionMult <= 64, "suspicionMult must be in 1..64");
        require(suspicionMaxTimeoutMult >= 1 && suspicionMaxTimeoutMult <= 64, "suspicionMaxTimeoutMult must be in 1..64");
        require(pushPullIntervalMs >= 0, "pushPullIntervalMs must be >= 0");
        require(pushPullChunkMax >= 1 && pushPullChunkMax <= 1024, "pushPullChunkMax must be in 1..1024");
        require(localHealthMax >= 1 && localHealthMax <= 64, "localHealthMax must be in 1..64");
        require(localStallThresholdMs > 0, "localStallThresholdMs must be positive");
        require(joinRetryMs > 0, "joinRetryMs must be positive");
        require(forwardsMax >= 0 && forwardsMax <= 1_000_000, "forwardsMax must be in 0..1000000");
        require(phi != null, "phi config is required");
    }

    private static void require(boolean ok, String what) {
        if (!ok) throw new IllegalArgumentException(what);
    }

    /** memberlist's LAN profile with Lifeguard on (a gossip round every 200 ms to 3 members). */
    public static SwimConfig defaults() {
        return new SwimConfig(1000, 500, 3, 4, 8, 200, 3, 4, 6, 30_000, 128, 8, true, 1000, 2000, 1024,
                PhiConfig.defaults().withDistribution(PhiConfig.Distribution.EXPONENTIAL).withThreshold(8.0)
                        .withFirstHeartbeatEstimateMs(5000).withWindowSize(32));
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Number of transmissions of each update in a cluster of {@code members}: lambda * ceil(log10(N + 1)). */
    public int retransmitLimit(int members) {
        return retransmitMult * (int) Math.ceil(Math.log10(members + 1.0));
    }

    /** Lifeguard's minimum suspicion timeout for {@code members}: suspicionMult * max(1, log10 N) periods. */
    public long suspicionTimeoutMinNs(int members) {
        double scale = Math.max(1.0, Math.log10(Math.max(1, members)));
        return (long) (suspicionMult * scale * probeIntervalMs * 1_000_000L);
    }

    /** The push-pull period, stretched for large clusters so full-state traffic per node stays bounded. */
    public long pushPullIntervalNs(int members) {
        // Every doubling beyond 32 members adds one base interval: a full state grows with N, so
        // exchanging it less often keeps the bytes per second near constant (memberlist does alike).
        double doublings = Math.log(Math.max(1, members) / 32.0) / Math.log(2);
        long factor = 1 + (long) Math.max(0, Math.ceil(doublings));
        return pushPullIntervalMs * factor * 1_000_000L;
    }

    /** A mutable copy for changing a few settings. */
    public static final class Builder {
        private long probeIntervalMs, probeTimeoutMs, pushPullIntervalMs, localStallThresholdMs, joinRetryMs;
        private long gossipIntervalMs;
        private int gossipFanout;
        private int indirectProbes, retransmitMult, gossipPerMessageMax, suspicionMult, suspicionMaxTimeoutMult,
                pushPullChunkMax, localHealthMax, forwardsMax;
        private boolean lifeguard;
        private PhiConfig phi;

        private Builder(SwimConfig c) {
            probeIntervalMs = c.probeIntervalMs; probeTimeoutMs = c.probeTimeoutMs; indirectProbes = c.indirectProbes;
            retransmitMult = c.retransmitMult; gossipPerMessageMax = c.gossipPerMessageMax;
            gossipIntervalMs = c.gossipIntervalMs; gossipFanout = c.gossipFanout; suspicionMult = c.suspicionMult;
            suspicionMaxTimeoutMult = c.suspicionMaxTimeoutMult; pushPullIntervalMs = c.pushPullIntervalMs;
            pushPullChunkMax = c.pushPullChunkMax; localHealthMax = c.localHealthMax; lifeguard = c.lifeguard;
            localStallThresholdMs = c.localStallThresholdMs; joinRetryMs = c.joinRetryMs; forwardsMax = c.forwardsMax; phi = c.phi;
        }

        public Builder probeIntervalMs(long v) { probeIntervalMs = v; return this; }
        public Builder probeTimeoutMs(long v) { probeTimeoutMs = v; return this; }
        public Builder indirectProbes(int v) { indirectProbes = v; return this; }
        public Builder retransmitMult(int v) { retransmitMult = v; return this; }
        public Builder gossipPerMessageMax(int v) { gossipPerMessageMax = v; return this; }
        public Builder gossipIntervalMs(long v) { gossipIntervalMs = v; return this; }
        public Builder gossipFanout(int v) { gossipFanout = v; return this; }
        public Builder suspicionMult(int v) { suspicionMult = v; return this; }
        public Builder suspicionMaxTimeoutMult(int v) { suspicionMaxTimeoutMult = v; return this; }
        public Builder pushPullIntervalMs(long v) { pushPullIntervalMs = v; return this; }
        public Builder pushPullChunkMax(int v) { pushPullChunkMax = v; return this; }
        public Builder localHealthMax(int v) { localHealthMax = v; return this; }
        public Builder lifeguard(boolean v) { lifeguard = v; return this; }
        public Builder localStallThresholdMs(long v) { localStallThresholdMs = v; return this; }
        public Builder joinRetryMs(long v) { joinRetryMs = v; return this; }
        public Builder forwardsMax(int v) { forwardsMax = v; return this; }
        public Builder phi(PhiConfig v) { phi = v; return this; }

        public SwimConfig build() {
            return new SwimConfig(probeIntervalMs, probeTimeoutMs, indirectProbes, retransmitMult, gossipPerMessageMax,
                    gossipIntervalMs, gossipFanout, suspicionMult, suspicionMaxTimeoutMult, pushPullIntervalMs, pushPullChunkMax, localHealthMax, lifeguard,
                    localStallThresholdMs, joinRetryMs, forwardsMax, phi);
        }
    }
}
