package parley.harness;

/**
 * The client workload of a simulated run: how many operations, over how many registers, with what
 * mix, how fast, and how patiently.
 *
 * @param opsPerClient        operations each client issues during the safety phase
 * @param keys                number of registers (keys k0..k{keys-1})
 * @param readPercent         share of reads
 * @param casPercent          share of compare-and-sets (the rest are writes)
 * @param thinkNsMean         mean pause between a client's operations
 * @param attemptTimeoutNs    resend to another server when no answer came within this
 * @param opTimeoutNs         give up on an operation after this: its outcome is unknown ({@code info})
 */
public record Workload(int opsPerClient, int keys, int readPercent, int casPercent, long thinkNsMean,
                       long attemptTimeoutNs, long opTimeoutNs) {
    public Workload {
        if (opsPerClient < 0) throw new IllegalArgumentException("ops per client must be >= 0, got " + opsPerClient);
        if (keys < 1) throw new IllegalArgumentException("keys must be >= 1, got " + keys);
        if (readPercent < 0 || casPercent < 0 || readPercent + casPercent > 100) {
            throw new IllegalArgumentException("read% + cas% must lie in [0, 100]");
        }
        if (thinkNsMean < 0 || attemptTimeoutNs <= 0 || opTimeoutNs < attemptTimeoutNs) {
            throw new IllegalArgumentException("timeouts must be positive and op timeout >= attempt timeout");
        }
    }
}
