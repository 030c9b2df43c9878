package parley.membership.sim;

/** Runs a {@link Scenario} in a fresh {@link MembershipWorld} and reports what happened. */
public final class ScenarioRunner {
    private static final long NS_PER_MS = 1_000_000L;

    private ScenarioRunner() {}

    /** Told how a long run is going, every {@link #PROGRESS_EVERY_NS} of simulated time. */
    public interface Progress {
        void at(long simulatedNs, long events, long messages);

        Progress NONE = (simulatedNs, events, messages) -> {};
    }

    public static final long PROGRESS_EVERY_NS = 10_000_000_000L;

    public static RunReport run(WorldConfig config, Scenario scenario) {
        return run(config, scenario, Progress.NONE);
    }

    public static RunReport run(WorldConfig config, Scenario scenario, Progress progress) {
        long wallStartNs = System.nanoTime();
        MembershipWorld world = new MembershipWorld(config);
        world.bootstrapAll();
        progress.at(0, 0, 0);
        long[] nextReportNs = {PROGRESS_EVERY_NS};
        java.util.function.BooleanSupplier reporting = () -> {
            if (world.nowNs() >= nextReportNs[0]) {
                progress.at(world.nowNs(), world.events(), world.messagesSent());
                nextReportNs[0] += PROGRESS_EVERY_NS;
            }
            return false;
        };
        world.runUntil(reporting, 100 * NS_PER_MS, scenario.warmupMs() * NS_PER_MS);
        long crashAtNs = world.nowNs();
        int[] crashed = pickCrashes(world, scenario.crashes());
        for (int index : crashed) world.crash(index);
        long minEndNs = scenario.minDurationMs() * NS_PER_MS;
        long maxEndNs = scenario.maxDurationMs() * NS_PER_MS;
        world.runUntil(() -> !reporting.getAsBoolean() && world.nowNs() >= minEndNs && allDead(world, crashed), 100 * NS_PER_MS, maxEndNs);
        return report(world, config, crashed, crashAtNs, System.nanoTime() - wallStartNs);
    }

    private static int[] pickCrashes(MembershipWorld world, int count) {
        int size = world.size();
        if (count >= size) throw new IllegalArgumentException("cannot crash " + count + " of " + size + " nodes");
        int[] order = new int[size];
        for (int i = 0; i < size; i++) order[i] = i;
        for (int i = 0; i < count; i++) {
            int j = i + world.faultRandom().nextInt(size - i);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return java.util.Arrays.copyOf(order, count);
    }

    private static boolean allDead(MembershipWorld world, int[] crashed) {
        for (int index : crashed) {
            if (world.observations().crash(index).allDeadNs() < 0) return false;
        }
        return true;
    }

    private static RunReport report(MembershipWorld world, WorldConfig config, int[] crashed, long crashAtNs, long wallNs) {
        Observations seen = world.observations();
        long detectionSum = 0;
        int detected = 0;
        long allAwareMax = 0;
        long allDeadMax = 0;
        int disseminated = 0;
        for (int index : crashed) {
            Observations.CrashTrack track = seen.crash(index);
            if (track.firstDetectionNs() >= 0) {
                detectionSum += track.firstDetectionNs();
                detected++;
            }
            allAwareMax = track.allAwareNs() < 0 || allAwareMax < 0 ? -1 : Math.max(allAwareMax, track.allAwareNs());
            if (track.allDeadNs() >= 0) disseminated++;
            allDeadMax = track.allDeadNs() < 0 || allDeadMax < 0 ? -1 : Math.max(allDeadMax, track.allDeadNs());
        }
        long endNs = world.nowNs();
        // Running nodes: all before the crash, all but the crashed after it.
        double nodeSeconds = (world.size() * (double) crashAtNs + world.liveCount() * (double) (endNs - crashAtNs)) / 1e9;
        return new RunReport(config.seed(), world.size(), crashed.length,
                detected == 0 ? -1 : detectionSum / detected,
                crashed.length == 0 ? 0 : allAwareMax,
                crashed.length == 0 ? 0 : allDeadMax,
                disseminated, seen.falseSuspicions(), seen.falseSuspicionsOfHealthy(), seen.falseDeaths(), seen.refutations(),
                nodeSeconds / 3600, nodeSeconds == 0 ? 0 : world.messagesSent() / nodeSeconds,
                endNs, world.events(), world.stalls(), wallNs, config.swim().probeIntervalMs() * NS_PER_MS);
    }
}
