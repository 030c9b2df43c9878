package parley.sim;

/**
 * The network's steady-state behaviour between servers; faults from the nemesis come on top.
 *
 * @param latency              per-message delay; random latency is what reorders messages
 * @param lossProbability      chance that a server-to-server message is silently lost
 * @param duplicateProbability chance that a server-to-server message is delivered twice
 * @param clientLatency        per-message delay on links that touch a {@link NodeKind#CLIENT}
 */
public record NetworkConfig(LatencyModel latency, double lossProbability, double duplicateProbability,
                            LatencyModel clientLatency) {
    public NetworkConfig {
        checkProbability("lossProbability", lossProbability);
        checkProbability("duplicateProbability", duplicateProbability);
        if (latency == null || clientLatency == null) {
            throw new IllegalArgumentException("latency models must not be null");
        }
    }

    /** A LAN: 100 us floor plus an exponential tail of mean 400 us, capped at 50 ms; no loss. */
    public static NetworkConfig lan() {
        LatencyModel lan = new LatencyModel.Exponential(100_000, 400_000, 50_000_000);
        return new NetworkConfig(lan, 0.0, 0.0, lan);
    }

    public NetworkConfig withLatency(LatencyModel newLatency) {
        return new NetworkConfig(newLatency, lossProbability, duplicateProbability, clientLatency);
    }

    public NetworkConfig withLossProbability(double probability) {
        return new NetworkConfig(latency, probability, duplicateProbability, clientLatency);
    }

    public NetworkConfig withDuplicateProbability(double probability) {
        return new NetworkConfig(latency, lossProbability, probability, clientLatency);
    }

    static void checkProbability(String name, double probability) {
        if (!(probability >= 0.0 && probability <= 1.0)) {
            throw new IllegalArgumentException(name + " must be in [0, 1]: " + probability);
        }
    }
}
