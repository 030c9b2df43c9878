package parley.sim;

/**
 * Runs the two phases of a checked simulation (TigerBeetle's VOPR shape): a safety phase in which
 * faults are injected and any thrown invariant violation fails the run, then a heal, then a bounded
 * liveness phase in which the harness's {@link ProgressCheck} must become true, else the run fails
 * as a {@link RunResult.LivenessFailure}. Exceeding the event budget is not a verdict but a bug in
 * the run's bounds, and propagates as {@link EventBudgetExceeded}.
 */
public final class PhasedRun {
    private PhasedRun() {}

    public static RunResult run(Simulation<?> world, FaultInjector faults, PhasePlan plan, ProgressCheck progress) {
        try {
            faults.start();
            world.runFor(plan.safetyNs());
            faults.heal();
        } catch (EventBudgetExceeded bug) {
            throw bug;
        } catch (RuntimeException failure) {
            return new RunResult.SafetyFailure(world.seed(), world.nowNs(), failure);
        }
        long healedAtNs = world.nowNs();
        long deadlineNs = healedAtNs + plan.livenessNs();
        try {
            progress.onHealed(healedAtNs);
            while (true) {
                if (progress.progressed()) {
                    return new RunResult.Passed(world.seed(), healedAtNs, world.nowNs(), world.eventCount());
                }
                if (world.nowNs() >= deadlineNs) {
                    return new RunResult.LivenessFailure(world.seed(), healedAtNs, deadlineNs, progress.describe());
                }
                world.runUntil(Math.min(deadlineNs, world.nowNs() + plan.progressCheckIntervalNs()));
            }
        } catch (EventBudgetExceeded bug) {
            throw bug;
        } catch (RuntimeException failure) {
            return new RunResult.SafetyFailure(world.seed(), world.nowNs(), failure);
        }
    }
}
