package parley.check;

import java.util.Locale;

/** The checker's answer for one history. */
public enum Verdict {
    /** Some order of the operations respects real time and the register specification. */
    LINEARIZABLE,
    /** No such order exists; the result carries a {@link Witness}. */
    NOT_LINEARIZABLE,
    /** A time or memory budget ran out before the search could tell. */
    UNKNOWN;

    /** The name used in reports: {@code linearizable}, {@code not-linearizable}, {@code unknown}. */
    public String reportName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
