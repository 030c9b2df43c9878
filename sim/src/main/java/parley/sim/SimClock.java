package parley.sim;

import parley.core.Check;

/**
 * One node's local monotonic clock, a piecewise-linear function of global virtual time:
 * {@code local = anchorLocalNs + d + floor(d * driftPpm / 1e6)} with {@code d = global - anchorGlobalNs}.
 * A drift of +200 ppm runs 0.2 ms per second fast. Changing the drift or jumping re-anchors at the
 * current instant, so the clock never goes backwards: jumps are forward only (a monotonic clock such as
 * {@code System.nanoTime} never steps back; wall-clock steps backwards are not modelled because
 * protocols must not use wall time).
 *
 * <p>Read-only to the outside; the world changes it through {@link Simulation#setClockDriftPpm} and
 * {@link Simulation#jumpClock}, which also move the node's pending timers.
 */
public final class SimClock {
    private long anchorGlobalNs;
    private long anchorLocalNs;
    private double driftPpm;
    private double driftRatio;

    SimClock(long startLocalNs, double driftPpm) {
        this.anchorGlobalNs = 0;
        this.anchorLocalNs = startLocalNs;
        setRate(driftPpm);
    }

    /** The local reading at global time {@code globalNs} (not before the last re-anchoring). */
    public long localNs(long globalNs) {
        long elapsedNs = globalNs - anchorGlobalNs;
        return anchorLocalNs + elapsedNs + (long) Math.floor(elapsedNs * driftRatio);
    }

    /** The drift in parts per million: positive runs fast. */
    public double driftPpm() {
        return driftPpm;
    }

    /**
     * The earliest global time, not before {@code nowGlobalNs}, at which this clock reads at least
     * {@code targetLocalNs}, assuming no further drift change or jump.
     */
    public long globalNsWhenLocalReaches(long targetLocalNs, long nowGlobalNs) {
        if (localNs(nowGlobalNs) >= targetLocalNs) {
            return nowGlobalNs;
        }
        long estimateNs = anchorGlobalNs + (long) Math.ceil((targetLocalNs - anchorLocalNs) / (1.0 + driftRatio));
        long globalNs = Math.max(nowGlobalNs, estimateNs);
        while (localNs(globalNs) < targetLocalNs) {
            globalNs++;
        }
        while (globalNs > nowGlobalNs && localNs(globalNs - 1) >= targetLocalNs) {
            globalNs--;
        }
        return globalNs;
    }

    void setDriftPpm(double newDriftPpm, long nowGlobalNs) {
        reanchor(nowGlobalNs);
        setRate(newDriftPpm);
    }

    void jumpForward(long jumpNs, long nowGlobalNs) {
        Check.that(jumpNs >= 0, "clock jumps are forward only: %d ns", jumpNs);
        reanchor(nowGlobalNs);
        anchorLocalNs += jumpNs;
    }

    private void reanchor(long nowGlobalNs) {
        Check.that(nowGlobalNs >= anchorGlobalNs, "clock re-anchored in the past");
        anchorLocalNs = localNs(nowGlobalNs);
        anchorGlobalNs = nowGlobalNs;
    }

    private void setRate(double newDriftPpm) {
        Check.that(newDriftPpm > -500_000 && newDriftPpm < 500_000, "clock drift within +-500000 ppm: %s",
                newDriftPpm);
        driftPpm = newDriftPpm;
        driftRatio = newDriftPpm / 1_000_000.0;
    }
}
