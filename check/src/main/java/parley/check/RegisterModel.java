package parley.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sequential specification of one key: a register that starts absent ({@code null}) and
 * supports read, write, cas and append, with the meaning of each outcome folded in.
 *
 * <p>The search asks "can this operation take effect now, and what is the value after?" millions of
 * times, so values are interned as small integers (state ids) and each operation is compiled once
 * into a {@link Step}. Appends create new values as the search goes; their results are cached per
 * (state, operation) so a string is concatenated once, not once per visit.
 */
final class RegisterModel {
    /** Returned by {@link #step} when the operation cannot take effect in the given state. */
    static final int REJECT = -1;

    private final List<Value> valueById = new ArrayList<>();
    private final Map<Value, Integer> idByValue = new HashMap<>();
    private final List<Step> steps = new ArrayList<>();
    private final Map<Long, Integer> appendResults = new HashMap<>();
    private long internedTextChars;

    /**
     * One operation compiled against the value table. What the outcome means:
     * <ul>
     *   <li>ok read: only where the value is the one read; leaves it unchanged.
     *   <li>write (ok or info): anywhere; sets the value.
     *   <li>ok cas: only where the value is {@code expected}; sets {@code new}.
     *   <li>fail cas: only where the value is <em>not</em> {@code expected} (the failure is evidence
     *       of that); leaves it unchanged.
     *   <li>info cas: only where the value is {@code expected}. Where it is not, taking effect and
     *       never happening are indistinguishable, and the search already allows "never".
     *   <li>append (ok or info): anywhere; sets (value or "") + text.
     * </ul>
     */
    private record Step(Kind kind, int argument, int replacement, String appendText) {}

    private enum Kind { READ, WRITE, CAS, CAS_FAILED, APPEND }

    RegisterModel() {
        int absent = intern(Value.NULL);
        Invariant.check(absent == initialState(), "absent is state 0");
    }

    /** The state every register starts in: absent. */
    int initialState() {
        return 0;
    }

    /**
     * Compiles {@code operation} and returns its step number, used with {@link #step}. Operations
     * that constrain nothing (failed reads, writes and appends; reads of unknown outcome) must be
     * filtered out by the caller.
     */
    int add(Operation operation) {
        Invariant.check(constrains(operation), "only operations that constrain the register are compiled: %s", operation.describe());
        Step step = switch (operation.action()) {
            case READ -> new Step(Kind.READ, intern(operation.output()), REJECT, null);
            case WRITE -> new Step(Kind.WRITE, intern(operation.input()), REJECT, null);
            case CAS -> {
                Value.Pair pair = (Value.Pair) operation.input();
                Kind kind = operation.outcome() == Outcome.FAIL ? Kind.CAS_FAILED : Kind.CAS;
                yield new Step(kind, intern(pair.expected()), intern(pair.replacement()), null);
            }
            case APPEND -> new Step(Kind.APPEND, REJECT, REJECT, asText(operation.input()));
        };
        steps.add(step);
        return steps.size() - 1;
    }

    /**
     * True if {@code operation} says anything about the register. A failed read, write or append
     * never took effect; a read of unknown outcome returned nothing. A failed cas does constrain:
     * the value was not the expected one.
     */
    static boolean constrains(Operation operation) {
        return switch (operation.outcome()) {
            case OK -> true;
            case FAIL -> operation.action() == Action.CAS;
            case INFO -> operation.action() != Action.READ;
        };
    }

    /** The state after step {@code stepNumber} takes effect in {@code state}, or {@link #REJECT}. */
    int step(int state, int stepNumber) {
        Step step = steps.get(stepNumber);
        return switch (step.kind()) {
            case READ -> state == step.argument() ? state : REJECT;
            case WRITE -> step.argument();
            case CAS -> state == step.argument() ? step.replacement() : REJECT;
            case CAS_FAILED -> state != step.argument() ? state : REJECT;
            case APPEND -> append(state, stepNumber, step.appendText());
        };
    }

    /** Why step {@code stepNumber} cannot take effect in {@code state}, or null if it can. */
    String whyRejected(int state, int stepNumber) {
        if (step(state, stepNumber) != REJECT) {
            return null;
        }
        Step step = steps.get(stepNumber);
        Value current = value(state);
        return switch (step.kind()) {
            case READ -> "it read " + value(step.argument()) + ", not the current " + current;
            case CAS -> "it expects " + value(step.argument()) + ", not the current " + current;
            case CAS_FAILED -> "it failed, so the value cannot have been " + value(step.argument()) + ", yet it is";
            case WRITE, APPEND -> throw new IllegalStateException("writes and appends always apply");
        };
    }

    /**
     * The state step {@code stepNumber} needs to find (the value read, or the value a cas expects),
     * or -1 if it needs no particular value.
     */
    int requiredState(int stepNumber) {
        Step step = steps.get(stepNumber);
        return step.kind() == Kind.READ || step.kind() == Kind.CAS ? step.argument() : -1;
    }

    /** The state a failed cas says the register did not hold, or -1 if the step is not a failed cas. */
    int refutedState(int stepNumber) {
        Step step = steps.get(stepNumber);
        return step.kind() == Kind.CAS_FAILED ? step.argument() : -1;
    }

    /**
     * True if step {@code stepNumber} never changes the state (a read, a failed cas). Such a step
     * can be moved to any earlier point where the state is the same without disturbing anything.
     */
    boolean isObserver(int stepNumber) {
        Kind kind = steps.get(stepNumber).kind();
        return kind == Kind.READ || kind == Kind.CAS_FAILED;
    }

    /**
     * True if {@code operation}, taking effect, could leave {@code value} in the register: a write
     * of it, a cas to it, or an append of a suffix of it. Failed operations produce nothing.
     */
    static boolean mayProduce(Operation operation, Value value) {
        if (operation.outcome() == Outcome.FAIL) {
            return false;
        }
        return switch (operation.action()) {
            case READ -> false;
            case WRITE -> operation.input().equals(value);
            case CAS -> ((Value.Pair) operation.input()).replacement().equals(value);
            case APPEND -> value instanceof Value.Str text && text.text().endsWith(asText(operation.input()));
        };
    }

    /** The value a state id stands for. */
    Value value(int state) {
        return valueById.get(state);
    }

    /** Number of distinct values seen so far. */
    int valueCount() {
        return valueById.size();
    }

    /**
     * Memory held by the value table and the append cache, in units of about 150 bytes (one memo
     * entry). Appends in a long search keep minting new strings, so the search counts this against
     * its memory budget too.
     */
    long footprintInMemoEntries() {
        return valueById.size() + appendResults.size() + internedTextChars / 150;
    }

    private int append(int state, int stepNumber, String text) {
        long cacheKey = ((long) state << 32) | stepNumber;
        Integer cached = appendResults.get(cacheKey);
        if (cached != null) {
            return cached;
        }
        int result = intern(Value.of(asText(value(state)) + text));
        appendResults.put(cacheKey, result);
        return result;
    }

    /** A value as the text an append extends or adds: absent is "", a number its decimal text. */
    static String asText(Value current) {
        return switch (current) {
            case Value.Null absent -> "";
            case Value.Str text -> text.text();
            case Value.Num number -> number.decimal();
            case Value.Pair pair -> throw new IllegalStateException("a register never holds a cas pair");
        };
    }

    private int intern(Value value) {
        Invariant.check(!(value instanceof Value.Pair), "registers hold plain values");
        Integer id = idByValue.get(value);
        if (id != null) {
            return id;
        }
        valueById.add(value);
        idByValue.put(value, valueById.size() - 1);
        if (value instanceof Value.Str text) {
            internedTextChars += text.text().length();
        }
        return valueById.size() - 1;
    }
}
