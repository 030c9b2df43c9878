package parley.sim;

/**
 * The shape of a checked run: a safety phase of {@code safetyNs} with faults, then a heal, then a
 * liveness phase of at most {@code livenessNs} in which progress must be observed; progress is polled
 * every {@code progressCheckIntervalNs} of virtual time.
 */
public record PhasePlan(long safetyNs, long livenessNs, long progressCheckIntervalNs) {
    public PhasePlan {
        if (safetyNs < 0 || livenessNs <= 0 || progressCheckIntervalNs <= 0) {
            throw new IllegalArgumentException("need safetyNs >= 0, livenessNs > 0, progressCheckIntervalNs > 0: "
                    + safetyNs + ", " + livenessNs + ", " + progressCheckIntervalNs);
        }
    }

    /** Progress polled every millisecond of virtual time. */
    public static PhasePlan of(long safetyNs, long livenessNs) {
        return new PhasePlan(safetyNs, livenessNs, 1_000_000L);
    }
}
