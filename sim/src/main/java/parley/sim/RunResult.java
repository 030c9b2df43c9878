package parley.sim;

/**
 * The verdict of a {@link PhasedRun}. Every result carries the seed: a failing seed replays the run
 * event for event.
 */
public sealed interface RunResult {

    long seed();

    /** Whether the run passed both phases. */
    default boolean passed() {
        return this instanceof Passed;
    }

    /** A one-line account, with the seed. */
    String describe();

    /** Both phases passed; progress was observed at {@code progressAtNs}. */
    record Passed(long seed, long healedAtNs, long progressAtNs, long events) implements RunResult {
        @Override
        public String describe() {
            return "seed " + seed + " passed: healed at " + TraceFormat.seconds(healedAtNs) + ", progress at "
                    + TraceFormat.seconds(progressAtNs) + ", " + events + " events";
        }
    }

    /** Something threw during the run: a violated invariant, a failed send check, a crashing process. */
    record SafetyFailure(long seed, long atNs, RuntimeException cause) implements RunResult {
        @Override
        public String describe() {
            return "seed " + seed + " SAFETY FAILURE at " + TraceFormat.seconds(atNs) + ": " + cause;
        }
    }

    /** After the heal, the system did not make progress before the deadline. */
    record LivenessFailure(long seed, long healedAtNs, long deadlineNs, String detail) implements RunResult {
        @Override
        public String describe() {
            return "seed " + seed + " LIVENESS FAILURE: healed at " + TraceFormat.seconds(healedAtNs)
                    + ", no progress by " + TraceFormat.seconds(deadlineNs) + ": " + detail;
        }
    }
}
