package parley.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Why a history is not linearizable, small enough to read: on one key, the longest prefix the
 * search could linearize, the value it left, and the operation that then had to take effect but
 * could not, with the few operations that explain why.
 *
 * @param key the key whose register has no valid order
 * @param impossible true if {@code blocking} cannot take effect in any order whatsoever (it needs a
 *     value nothing supplies in time); the prefix and state then say nothing and are not shown
 * @param linearizedOps completed operations in the furthest linearization the search found
 * @param completedOps completed operations on the key (ok, and failed cas): all must take effect
 * @param state the value the prefix leaves
 * @param stateSetter the operation that set {@code state}, or null if it is the initial absent value
 * @param blocking the operation that cannot take effect, and why: the pending one whose return
 *     comes first, or one whose needed value nothing left can produce
 * @param sources operations that could have produced the value {@code blocking} needed, each with
 *     what became of it, most telling first
 * @param otherPending other pending completed operations, each with why it cannot take effect either
 * @param omitted how many sources and pending completed operations were left out to keep it short
 * @param unknownPending pending operations of unknown outcome; letting them take effect did not help
 */
public record Witness(
        String key,
        boolean impossible,
        int linearizedOps,
        int completedOps,
        Value state,
        Operation stateSetter,
        Evidence blocking,
        List<Evidence> sources,
        List<Evidence> otherPending,
        int omitted,
        int unknownPending) {

    /** An operation and what it tells: why it cannot take effect, or what became of it. */
    public record Evidence(Operation operation, String note) {
        public Evidence {
            Objects.requireNonNull(operation, "operation");
            Objects.requireNonNull(note, "note");
        }
    }

    public Witness {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(blocking, "blocking");
        sources = List.copyOf(sources);
        otherPending = List.copyOf(otherPending);
        Invariant.check(linearizedOps < completedOps, "a witness stops short of linearizing everything");
        Invariant.check(omitted >= 0 && unknownPending >= 0, "counts are not negative");
    }

    /** The operations the witness names, blocking one first: the small core of the violation. */
    public List<Operation> operations() {
        List<Operation> named = new ArrayList<>();
        named.add(blocking.operation());
        if (stateSetter != null) {
            named.add(stateSetter);
        }
        sources.forEach(evidence -> named.add(evidence.operation()));
        otherPending.forEach(evidence -> named.add(evidence.operation()));
        return List.copyOf(named);
    }

    /** A few lines of text explaining the violation, without a trailing newline. */
    public String describe() {
        return String.join("\n", lines());
    }

    /** {@link #describe()} as separate lines; nested detail is indented by two spaces. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        if (impossible) {
            lines.add("key " + JsonText.quote(key) + ": " + blocking.operation().describe() + " can never take effect: " + blocking.note());
        } else {
            String setter = stateSetter == null ? "the initial value" : "set by " + stateSetter.describe();
            lines.add("key " + JsonText.quote(key) + ": every order fails; the furthest one linearizes " + linearizedOps + " of "
                    + completedOps + " completed operations, leaving the value " + state + ", " + setter);
            lines.add("then " + blocking.operation().describe() + ": " + blocking.note());
        }
        for (Evidence source : sources) {
            lines.add("  " + source.operation().describe() + " " + source.note());
        }
        for (Evidence pending : otherPending) {
            lines.add("nor can " + pending.operation().describe() + ": " + pending.note());
        }
        List<String> more = new ArrayList<>();
        if (omitted > 0) {
            more.add(omitted + " more operations omitted");
        }
        if (unknownPending > 0) {
            more.add(unknownPending + " pending operations of unknown outcome do not help");
        }
        if (!more.isEmpty()) {
            lines.add("(" + String.join("; ", more) + ")");
        }
        return List.copyOf(lines);
    }
}
