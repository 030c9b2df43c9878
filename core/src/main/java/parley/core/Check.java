package parley.core;

/**
 * Always-on invariant checks. Java's {@code assert} is off by default, so protocol code uses these
 * instead: a violated invariant throws {@link InvariantViolation} naming the invariant, which the
 * simulator reports as a safety failure together with the seed that reproduces it.
 */
public final class Check {
    private Check() {}

    /** Throws when {@code condition} is false; {@code invariant} names what should have held. */
    public static void that(boolean condition, String invariant) {
        if (!condition) {
            throw new InvariantViolation(invariant);
        }
    }

    /** Like {@link #that(boolean, String)}, formatting the message only on failure. */
    public static void that(boolean condition, String invariantFormat, Object... args) {
        if (!condition) {
            throw new InvariantViolation(String.format(invariantFormat, args));
        }
    }

    /** Thrown when a protocol invariant does not hold: always a bug, never a user error. */
    public static final class InvariantViolation extends RuntimeException {
        public InvariantViolation(String invariant) {
            super("invariant violated: " + invariant);
        }
    }
}
