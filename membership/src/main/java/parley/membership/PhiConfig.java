package parley.membership;

/**
 * Settings of a {@link PhiAccrualDetector}.
 *
 * @param threshold                    phi at or above which a peer counts as failed (8 means a 1 in 10^8
 *                                     chance that a live peer's heartbeat is merely late, under the model)
 * @param windowSize                   inter-arrival samples kept per peer (oldest dropped first)
 * @param minStdDeviationMs            floor on the standard deviation, so a very regular peer is not
 *                                     convicted the moment it is a little late
 * @param acceptableHeartbeatPauseMs   added to the mean: silence this long beyond the usual interval is
 *                                     tolerated before suspicion starts to grow
 * @param firstHeartbeatEstimateMs     the interval assumed before a peer has given two samples
 * @param distribution                 the model of inter-arrival times
 * @param localStallThresholdMs        a local timer firing at least this late means this node itself
 *                                     stalled (GC, CPU starvation), not its peers
 * @param localStallGraceMs            after such a stall, no peer is convicted for this long, so fresh
 *                                     heartbeats have a chance to arrive
 */
public record PhiConfig(
        double threshold,
        int windowSize,
        long minStdDeviationMs,
        long acceptableHeartbeatPauseMs,
        long firstHeartbeatEstimateMs,
        Distribution distribution,
        long localStallThresholdMs,
        long localStallGraceMs) {

    /** How inter-arrival times are modelled. */
    public enum Distribution {
        /**
         * Normal (Hayashibara et al.; Akka). Right for periodic heartbeats: a regular sender has a small
         * variance, so phi climbs steeply soon after the expected arrival, while a jittery sender earns
         * a wide, forgiving curve. The detector adapts to each peer's own jitter.
         */
        NORMAL,
        /**
         * Exponential (Cassandra). Right for arrivals that are themselves random, such as messages
         * a SWIM member happens to exchange with a peer: only the mean matters, phi grows linearly
         * with silence ({@code t / (mean * ln 10)}).
         */
        EXPONENTIAL
    }

    public PhiConfig {
        if (!(threshold > 0)) throw new IllegalArgumentException("threshold must be positive: " + threshold);
        if (windowSize < 2 || windowSize > 10_000) throw new IllegalArgumentException("windowSize must be in 2..10000: " + windowSize);
        if (minStdDeviationMs <= 0) throw new IllegalArgumentException("minStdDeviationMs must be positive: " + minStdDeviationMs);
        if (acceptableHeartbeatPauseMs < 0) throw new IllegalArgumentException("acceptableHeartbeatPauseMs must be >= 0: " + acceptableHeartbeatPauseMs);
        if (firstHeartbeatEstimateMs <= 0) throw new IllegalArgumentException("firstHeartbeatEstimateMs must be positive: " + firstHeartbeatEstimateMs);
        if (distribution == null) throw new IllegalArgumentException("distribution is required");
        if (localStallThresholdMs <= 0) throw new IllegalArgumentException("localStallThresholdMs must be positive: " + localStallThresholdMs);
        if (localStallGraceMs < 0) throw new IllegalArgumentException("localStallGraceMs must be >= 0: " + localStallGraceMs);
    }

    /** Akka-like defaults for a heartbeat every second: threshold 8, 100 samples, 100 ms floor. */
    public static PhiConfig defaults() {
        return new PhiConfig(8.0, 100, 100, 0, 1000, Distribution.NORMAL, 1000, 3000);
    }

    public PhiConfig withThreshold(double value) {
        return new PhiConfig(value, windowSize, minStdDeviationMs, acceptableHeartbeatPauseMs, firstHeartbeatEstimateMs, distribution, localStallThresholdMs, localStallGraceMs);
    }

    public PhiConfig withDistribution(Distribution value) {
        return new PhiConfig(threshold, windowSize, minStdDeviationMs, acceptableHeartbeatPauseMs, firstHeartbeatEstimateMs, value, localStallThresholdMs, localStallGraceMs);
    }

    public PhiConfig withWindowSize(int value) {
        return new PhiConfig(threshold, value, minStdDeviationMs, acceptableHeartbeatPauseMs, firstHeartbeatEstimateMs, distribution, localStallThresholdMs, localStallGraceMs);
    }

    public PhiConfig withMinStdDeviationMs(long value) {
        return new PhiConfig(threshold, windowSize, value, acceptableHeartbeatPauseMs, firstHeartbeatEstimateMs, distribution, localStallThresholdMs, localStallGraceMs);
    }

    public PhiConfig withAcceptableHeartbeatPauseMs(long value) {
        return new PhiConfig(threshold, windowSize, minStdDeviationMs, value, firstHeartbeatEstimateMs, distribution, localStallThresholdMs, localStallGraceMs);
    }

    public PhiConfig withFirstHeartbeatEstimateMs(long value) {
        return new PhiConfig(threshold, windowSize, minStdDeviationMs, acceptableHeartbeatPauseMs, value, distribution, localStallThresholdMs, localStallGraceMs);
    }

    public PhiConfig withLocalStall(long thresholdMs, long graceMs) {
        return new PhiConfig(threshold, windowSize, minStdDeviationMs, acceptableHeartbeatPauseMs, firstHeartbeatEstimateMs, distribution, thresholdMs, graceMs);
    }
}
