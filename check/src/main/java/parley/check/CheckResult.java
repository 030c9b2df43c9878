package parley.check;

import java.util.Objects;

/**
 * The verdict on one history.
 *
 * @param file the history's display name
 * @param verdict linearizable, not linearizable, or unknown (a budget ran out)
 * @param ops number of operations (invocations) in the history
 * @param ms how long the check took, in milliseconds of the checker's clock
 * @param witness why it is not linearizable; null for any other verdict
 */
public record CheckResult(String file, Verdict verdict, int ops, long ms, Witness witness) {
    public CheckResult {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(verdict, "verdict");
        Invariant.check((witness != null) == (verdict == Verdict.NOT_LINEARIZABLE), "exactly the not-linearizable results carry a witness");
        Invariant.check(ops >= 0 && ms >= 0, "counts are not negative");
    }
}
