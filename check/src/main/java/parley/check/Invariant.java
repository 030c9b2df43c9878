package parley.check;

/**
 * Always-on invariant checks for the checker's own bookkeeping. Java's {@code assert} is off by
 * default, and a checker that silently corrupts its search state would hand out wrong verdicts, so
 * these checks stay on. A violation is a bug in this package, never a property of the history.
 */
final class Invariant {
    private Invariant() {}

    /** Throws {@link IllegalStateException} naming {@code invariant} when {@code condition} is false. */
    static void check(boolean condition, String invariant) {
        if (!condition) {
            throw new IllegalStateException("invariant violated: " + invariant);
        }
    }

    /** Like {@link #check(boolean, String)}, formatting the message only on failure. */
    static void check(boolean condition, String invariantFormat, Object... args) {
        if (!condition) {
            throw new IllegalStateException("invariant violated: " + String.format(invariantFormat, args));
        }
    }
}
