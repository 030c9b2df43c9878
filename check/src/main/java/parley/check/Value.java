package parley.check;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * A value as it appears in a history: JSON {@code null}, a number, a string, or (only as the
 * argument of a {@code cas}) a pair {@code [expected, new]}.
 *
 * <p>Numbers and strings are different kinds, so {@code 1} and {@code "1"} are not equal: a store
 * that returns the string where the number was written has a bug the checker must see. Numbers are
 * kept as canonical decimal text so that {@code 1}, {@code 1.0} and {@code 1e0} compare equal and
 * no precision is lost on large integers.
 */
public sealed interface Value permits Value.Null, Value.Num, Value.Str, Value.Pair {

    /** JSON {@code null}: for a register, "absent". */
    Value NULL = new Null();

    /** The value as JSON text, as it would be written to a history file. */
    String toJson();

    /** A number value. */
    static Value of(long number) {
        return new Num(Long.toString(number));
    }

    /** A number value from any decimal (trailing zeros do not matter). */
    static Value of(BigDecimal number) {
        return new Num(canonical(number));
    }

    /** A string value. */
    static Value of(String text) {
        return new Str(Objects.requireNonNull(text, "text"));
    }

    /** The {@code [expected, new]} argument of a {@code cas}. */
    static Value pair(Value expected, Value replacement) {
        return new Pair(expected, replacement);
    }

    private static String canonical(BigDecimal number) {
        BigDecimal stripped = number.stripTrailingZeros();
        // toPlainString keeps "100" as "100" rather than "1E+2"; the scale guard keeps huge exponents
        // from expanding into megabytes of zeros.
        return Math.abs(stripped.scale()) < 64 ? stripped.toPlainString() : stripped.toString();
    }

    /** JSON {@code null}. Use {@link Value#NULL}. */
    record Null() implements Value {
        @Override
        public String toJson() {
            return "null";
        }

        @Override
        public String toString() {
            return "null";
        }
    }

    /** A JSON number in canonical decimal text. */
    record Num(String decimal) implements Value {
        public Num {
            Objects.requireNonNull(decimal, "decimal");
        }

        @Override
        public String toJson() {
            return decimal;
        }

        @Override
        public String toString() {
            return decimal;
        }
    }

    /** A JSON string. */
    record Str(String text) implements Value {
        public Str {
            Objects.requireNonNull(text, "text");
        }

        @Override
        public String toJson() {
            return JsonText.quote(text);
        }

        @Override
        public String toString() {
            return toJson();
        }
    }

    /** The argument of a {@code cas}: set {@code replacement} if the value is {@code expected}. */
    record Pair(Value expected, Value replacement) implements Value {
        public Pair {
            Objects.requireNonNull(expected, "expected");
            Objects.requireNonNull(replacement, "replacement");
            Invariant.check(!(expected instanceof Pair) && !(replacement instanceof Pair), "cas pair holds plain values");
        }

        @Override
        public String toJson() {
            return "[" + expected.toJson() + ", " + replacement.toJson() + "]";
        }

        @Override
        public String toString() {
            return toJson();
        }
    }
}
