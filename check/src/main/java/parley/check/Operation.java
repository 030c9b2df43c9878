package parley.check;

import java.util.Objects;

/**
 * A call paired with its completion: the unit the checker orders. Positions are the 1-based line
 * numbers of the invoke and completion events; a history's lines are in real-time order, so
 * positions are what the checker uses to decide which operations overlap.
 *
 * <p>An operation that completed with {@code info}, or never completed, has unknown outcome: it
 * may have taken effect at any time after its invocation, so its completion position and time are
 * {@link #UNBOUNDED} ("+infinity").
 *
 * @param index the operation's position among all operations of its history, in invoke order
 * @param process the client process that issued it
 * @param action what it does
 * @param key the register it addresses
 * @param input the argument: the written or appended value, the {@code cas} pair, or
 *     {@link Value#NULL} for a read
 * @param output the value a read returned ({@link Value#NULL} for anything but an ok read)
 * @param outcome how it ended
 * @param invokeLine line of the invoke event
 * @param invokeTimeNs time of the invoke event, or {@link #NO_TIME}
 * @param completeLine line of the completion, or {@link #UNBOUNDED} when the outcome is unknown
 * @param completeTimeNs time of the completion, {@link #NO_TIME}, or {@link #UNBOUNDED} when the
 *     outcome is unknown
 */
public record Operation(
        int index,
        int process,
        Action action,
        String key,
        Value input,
        Value output,
        Outcome outcome,
        long invokeLine,
        long invokeTimeNs,
        long completeLine,
        long completeTimeNs) {

    /** Completion position and time of an operation whose outcome is unknown. */
    public static final long UNBOUNDED = Long.MAX_VALUE;

    /** Time of an event that carried none. */
    public static final long NO_TIME = Long.MIN_VALUE;

    public Operation {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(outcome, "outcome");
        Invariant.check(invokeLine < completeLine, "operation completes after it is invoked (%d < %d)", invokeLine, completeLine);
        Invariant.check((outcome == Outcome.INFO) == (completeLine == UNBOUNDED), "exactly the info operations have an unbounded completion");
        Invariant.check((action == Action.CAS) == (input instanceof Value.Pair), "exactly cas takes a pair");
    }

    /** True if the outcome is unknown (completed with {@code info} or never completed). */
    public boolean isInfo() {
        return outcome == Outcome.INFO;
    }

    /**
     * A short human description, e.g. {@code read -> 3 [process 2, lines 40..52]} or
     * {@code write 4 (info) [process 1, lines 12..]}.
     */
    public String describe() {
        String what = switch (action) {
            case READ -> outcome == Outcome.OK ? "read -> " + output : "read";
            case WRITE, APPEND, CAS -> action.jsonName() + " " + input;
        };
        String ending = outcome == Outcome.OK ? "" : " (" + outcome.jsonName() + ")";
        String end = completeLine == UNBOUNDED ? "" : Long.toString(completeLine);
        return what + ending + " [process " + process + ", lines " + invokeLine + ".." + end + "]";
    }
}
