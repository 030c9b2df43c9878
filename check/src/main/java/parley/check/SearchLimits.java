package parley.check;

import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * When a search must give up: a deadline on an injected clock, and a cap on memoized
 * configurations (the search's only memory that grows without bound).
 *
 * @param deadlineNs give up when {@code clock} reads this or later
 * @param clock a {@code System.nanoTime}-like clock; tests inject a fake one
 * @param memoEntriesMax give up when the memo of one key would hold more entries than this
 */
record SearchLimits(long deadlineNs, LongSupplier clock, long memoEntriesMax) {
    SearchLimits {
        Objects.requireNonNull(clock, "clock");
        Invariant.check(memoEntriesMax > 0, "memo entry budget is positive, got %d", memoEntriesMax);
    }

    boolean pastDeadline() {
        // Subtraction, not comparison, so that a clock near Long.MAX_VALUE wraps correctly.
        return clock.getAsLong() - deadlineNs >= 0;
    }
}
