package parley.membership.sim;

import parley.membership.SwimConfig;

/**
 * The simulated world for membership: how many nodes, how the network behaves, which nodes are slow,
 * and the SWIM settings every node runs. All randomness derives from {@code seed}.
 *
 * @param nodes                    cluster size
 * @param seed                     the run's seed
 * @param lossProbability          each message is lost independently with this probability
 * @param latencyUsMin             one-way latency floor
 * @param latencyUsMeanTail        mean of the exponential tail added to the floor (reorders messages)
 * @param latencyUsMax             latency cap
 * @param slowFraction             share of nodes that are slow: their inbound messages wait in a queue
 *                                 (an exponential delay) and they stall now and then (timers and messages held)
 * @param slowInboundDelayMsMean   mean extra delay of a message to a slow node (CPU starvation)
 * @param slowPauseEveryMsMean     mean running time between two stalls of a slow node
 * @param slowPauseMsMin           shortest stall
 * @param slowPauseMsMax           longest stall; keep it below the suspicion timeout, or a stalled node is
 *                                 rightly declared dead and counted as a false removal
 * @param clockOffsetMsMax         each node's monotonic clock starts at a random reading below this
 * @param swim                     what every node runs
 */
public record WorldConfig(
        int nodes,
        long seed,
        double lossProbability,
        long latencyUsMin,
        long latencyUsMeanTail,
        long latencyUsMax,
        double slowFraction,
        long slowInboundDelayMsMean,
        long slowPauseEveryMsMean,
        long slowPauseMsMin,
        long slowPauseMsMax,
        long clockOffsetMsMax,
        SwimConfig swim) {

    public static final int NODES_MAX = 100_000;

    public WorldConfig {
        require(nodes >= 1 && nodes <= NODES_MAX, "nodes must be in 1.." + NODES_MAX + ", got " + nodes);
        require(lossProbability >= 0 && lossProbability < 1, "loss must be in [0, 1), got " + lossProbability);
        require(latencyUsMin >= 0 && latencyUsMeanTail >= 0 && latencyUsMax >= latencyUsMin, "latency: need 0 <= min <= max and tail >= 0");
        require(slowFraction >= 0 && slowFraction <= 1, "slow fraction must be in [0, 1], got " + slowFraction);
        require(slowInboundDelayMsMean >= 0 && slowPauseEveryMsMean > 0, "slow node delays must be >= 0");
        require(slowPauseMsMin >= 0 && slowPauseMsMax >= slowPauseMsMin, "slow pauses: need 0 <= min <= max");
        require(clockOffsetMsMax >= 0, "clock offset must be >= 0");
        require(swim != null, "swim config is required");
    }

    private static void require(boolean ok, String what) {
        if (!ok) throw new IllegalArgumentException(what);
    }

    /**
     * A LAN: 200 µs + exponential tail of mean 300 µs (cap 50 ms), no loss, no slow nodes; slow nodes, when
     * asked for, get 200 ms mean inbound delay and a 0.2-2 s stall every 20 s on average.
     */
    public static WorldConfig lan(int nodes, long seed) {
        return new WorldConfig(nodes, seed, 0, 200, 300, 50_000, 0, 200, 20_000, 200, 2_000, 1_000, SwimConfig.defaults());
    }

    public WorldConfig withLoss(double value) {
        return new WorldConfig(nodes, seed, value, latencyUsMin, latencyUsMeanTail, latencyUsMax, slowFraction, slowInboundDelayMsMean, slowPauseEveryMsMean, slowPauseMsMin, slowPauseMsMax, clockOffsetMsMax, swim);
    }

    public WorldConfig withSlowFraction(double value) {
        return new WorldConfig(nodes, seed, lossProbability, latencyUsMin, latencyUsMeanTail, latencyUsMax, value, slowInboundDelayMsMean, slowPauseEveryMsMean, slowPauseMsMin, slowPauseMsMax, clockOffsetMsMax, swim);
    }

    public WorldConfig withSlowProfile(long inboundDelayMsMean, long pauseEveryMsMean, long pauseMsMin, long pauseMsMax) {
        return new WorldConfig(nodes, seed, lossProbability, latencyUsMin, latencyUsMeanTail, latencyUsMax, slowFraction, inboundDelayMsMean, pauseEveryMsMean, pauseMsMin, pauseMsMax, clockOffsetMsMax, swim);
    }

    public WorldConfig withSeed(long value) {
        return new WorldConfig(nodes, value, lossProbability, latencyUsMin, latencyUsMeanTail, latencyUsMax, slowFraction, slowInboundDelayMsMean, slowPauseEveryMsMean, slowPauseMsMin, slowPauseMsMax, clockOffsetMsMax, swim);
    }

    public WorldConfig withNodes(int value) {
        return new WorldConfig(value, seed, lossProbability, latencyUsMin, latencyUsMeanTail, latencyUsMax, slowFraction, slowInboundDelayMsMean, slowPauseEveryMsMean, slowPauseMsMin, slowPauseMsMax, clockOffsetMsMax, swim);
    }

    public WorldConfig withSwim(SwimConfig value) {
        return new WorldConfig(nodes, seed, lossProbability, latencyUsMin, latencyUsMeanTail, latencyUsMax, slowFraction, slowInboundDelayMsMean, slowPauseEveryMsMean, slowPauseMsMin, slowPauseMsMax, clockOffsetMsMax, value);
    }

    /** With Lifeguard on or off (everything else unchanged). */
    public WorldConfig withLifeguard(boolean on) {
        return withSwim(swim.toBuilder().lifeguard(on).build());
    }
}
