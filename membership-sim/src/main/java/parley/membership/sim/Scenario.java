package parley.membership.sim;

/**
 * One run's plan: a fully formed cluster runs for {@code warmupMs}, then {@code crashes} random nodes
 * crash at once; the run ends when every crash is known as DEAD to every running node and at least
 * {@code minDurationMs} passed, or at {@code maxDurationMs} whatever happened.
 *
 * @param crashes        nodes crashed at the end of the warm-up
 * @param warmupMs       time before the crash
 * @param minDurationMs  the least total run time (for false-positive rates measured over a long run)
 * @param maxDurationMs  the bound: a crash not fully disseminated by then counts as not disseminated
 */
public record Scenario(int crashes, long warmupMs, long minDurationMs, long maxDurationMs) {
    public Scenario {
        if (crashes < 0) throw new IllegalArgumentException("crashes must be >= 0: " + crashes);
        if (warmupMs < 0 || minDurationMs < 0 || maxDurationMs < Math.max(warmupMs, minDurationMs)) {
            throw new IllegalArgumentException("need 0 <= warmup, min duration <= max duration");
        }
    }

    /** One crash after 5 s, at most 120 s in all. */
    public static Scenario oneCrash() {
        return new Scenario(1, 5_000, 0, 120_000);
    }
}
