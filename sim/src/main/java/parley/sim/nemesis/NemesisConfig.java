package parley.sim.nemesis;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * How aggressive the {@link Nemesis} is and which faults it may inject.
 *
 * @param faultIntervalNsMean   mean time between fault injections (exponentially distributed)
 * @param faultDurationNsMin    shortest fault
 * @param faultDurationNsMax    longest fault
 * @param kinds                 the faults to draw from (uniformly)
 * @param partitionShapes       the partition shapes to draw from
 * @param faultBudget           how many servers may be crashed, paused or failed at once (the
 *                              protocol's own bound: a minority for Raft)
 * @param deadForGoodMax        at the heal, servers that may be left dead for good (TigerBeetle's
 *                              VOPR: the liveness phase must succeed with a core of survivors); within the budget
 * @param lossProbability       loss during a {@link FaultKind#LOSS} fault
 * @param duplicateProbability  duplication during a {@link FaultKind#DUPLICATE} fault
 * @param delayNsMax            extra uniform delay during a {@link FaultKind#DELAY} fault
 * @param driftPpmMax           largest drift during a {@link FaultKind#CLOCK_DRIFT} fault
 * @param clockJumpNsMax        largest {@link FaultKind#CLOCK_JUMP}
 * @param fsyncSlowNs           extra fsync latency during a {@link FaultKind#FSYNC_SLOW} fault
 * @param flapIntervalNsMean    mean time between toggles of a flapping partition
 * @param restartDelayNs        downtime of a {@link FaultKind#RESTART}
 */
public record NemesisConfig(long faultIntervalNsMean, long faultDurationNsMin, long faultDurationNsMax,
                            Set<FaultKind> kinds, Set<PartitionShape> partitionShapes, FaultBudget faultBudget, int deadForGoodMax,
                            double lossProbability, double duplicateProbability, long delayNsMax,
                            double driftPpmMax, long clockJumpNsMax, long fsyncSlowNs, long flapIntervalNsMean,
                            long restartDelayNs) {

    public NemesisConfig {
        require(faultIntervalNsMean > 0, "faultIntervalNsMean > 0");
        require(faultDurationNsMin > 0 && faultDurationNsMax >= faultDurationNsMin,
                "0 < faultDurationNsMin <= faultDurationNsMax");
        require(kinds != null && !kinds.isEmpty(), "at least one fault kind");
        require(partitionShapes != null && !partitionShapes.isEmpty(), "at least one partition shape");
        require(faultBudget != null, "a fault budget");
        require(deadForGoodMax >= 0, "deadForGoodMax >= 0");
        require(lossProbability >= 0 && lossProbability <= 1, "lossProbability in [0, 1]");
        require(duplicateProbability >= 0 && duplicateProbability <= 1, "duplicateProbability in [0, 1]");
        require(delayNsMax >= 0 && clockJumpNsMax >= 0 && fsyncSlowNs >= 0, "delays >= 0");
        require(driftPpmMax >= 0 && driftPpmMax < 100_000, "driftPpmMax in [0, 100000)");
        require(flapIntervalNsMean > 0 && restartDelayNs >= 0, "flapIntervalNsMean > 0, restartDelayNs >= 0");
        // Unmodifiable EnumSets: Set.copyOf would iterate in a per-JVM randomized order.
        kinds = Collections.unmodifiableSet(EnumSet.copyOf(kinds));
        partitionShapes = Collections.unmodifiableSet(EnumSet.copyOf(partitionShapes));
    }

    /**
     * Every fault and shape; a fault every 500 ms on average lasting 100 ms to 2 s; a minority down at
     * most; 30% loss, 20% duplication, up to 200 ms of delay, 1000 ppm drift, 5 s clock jumps, 50 ms
     * fsyncs.
     */
    public static NemesisConfig defaults() {
        return new NemesisConfig(500_000_000L, 100_000_000L, 2_000_000_000L, EnumSet.allOf(FaultKind.class),
                EnumSet.allOf(PartitionShape.class), FaultBudget.CRASH_MINORITY, 0, 0.3, 0.2, 200_000_000L, 1000, 5_000_000_000L,
                50_000_000L, 100_000_000L, 1_000_000L);
    }

    public NemesisConfig withKinds(Set<FaultKind> newKinds) {
        return new NemesisConfig(faultIntervalNsMean, faultDurationNsMin, faultDurationNsMax, newKinds,
                partitionShapes, faultBudget, deadForGoodMax, lossProbability, duplicateProbability, delayNsMax, driftPpmMax,
                clockJumpNsMax, fsyncSlowNs, flapIntervalNsMean, restartDelayNs);
    }

    public NemesisConfig withPartitionShapes(Set<PartitionShape> newShapes) {
        return new NemesisConfig(faultIntervalNsMean, faultDurationNsMin, faultDurationNsMax, kinds, newShapes,
                faultBudget, deadForGoodMax, lossProbability, duplicateProbability, delayNsMax, driftPpmMax, clockJumpNsMax,
                fsyncSlowNs, flapIntervalNsMean, restartDelayNs);
    }

    /** Intensity: a fault every {@code meanNs} on average, each lasting {@code [minNs, maxNs]}. */
    public NemesisConfig withTiming(long meanNs, long minNs, long maxNs) {
        return new NemesisConfig(meanNs, minNs, maxNs, kinds, partitionShapes, faultBudget, deadForGoodMax, lossProbability,
                duplicateProbability, delayNsMax, driftPpmMax, clockJumpNsMax, fsyncSlowNs, flapIntervalNsMean,
                restartDelayNs);
    }

    /** The nemesis keeps at most {@code count} servers down at once (whatever the protocol would survive). */
    public NemesisConfig withMaxServersDown(int count) {
        return withFaultBudget(FaultBudget.atMost(count));
    }

    /** The protocol's fault budget: how many servers may be down at once. */
    public NemesisConfig withFaultBudget(FaultBudget budget) {
        return new NemesisConfig(faultIntervalNsMean, faultDurationNsMin, faultDurationNsMax, kinds,
                partitionShapes, budget, deadForGoodMax, lossProbability, duplicateProbability, delayNsMax, driftPpmMax,
                clockJumpNsMax, fsyncSlowNs, flapIntervalNsMean, restartDelayNs);
    }

    /** At the heal, leave up to {@code count} servers (within the budget) dead for good in some runs. */
    public NemesisConfig withDeadForGood(int count) {
        return new NemesisConfig(faultIntervalNsMean, faultDurationNsMin, faultDurationNsMax, kinds,
                partitionShapes, faultBudget, count, lossProbability, duplicateProbability, delayNsMax, driftPpmMax,
                clockJumpNsMax, fsyncSlowNs, flapIntervalNsMean, restartDelayNs);
    }

    /** The enabled kinds in enum order (a deterministic order to draw from). */
    FaultKind[] kindsInOrder() {
        return EnumSet.copyOf(kinds).toArray(new FaultKind[0]);
    }

    /** The enabled shapes in enum order. */
    PartitionShape[] shapesInOrder() {
        return EnumSet.copyOf(partitionShapes).toArray(new PartitionShape[0]);
    }

    private static void require(boolean condition, String what) {
        if (!condition) {
            throw new IllegalArgumentException("nemesis config: need " + what);
        }
    }
}
