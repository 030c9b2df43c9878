package parley.check;

import java.util.TreeMap;

/**
 * What the operations not yet linearized still demand of the register: which values some of them
 * need (reads, ok cas), refute (failed cas) or expect (cas of unknown outcome). Two questions are
 * answered from it.
 *
 * <h2>Does an unknown outcome matter here?</h2>
 * When letting an operation of unknown outcome (a write, cas or append that ended with {@code info})
 * take effect at the current point cannot matter, the search need not try it there. Without this,
 * every crashed client's operation doubles the configurations to explore for the rest of the history.
 *
 * <p>Take p, taking effect in state T and leaving R, as the start of some completion. Its effect
 * lasts for a <em>span</em>: until the next write or cas, with only observers and appends (which
 * extend R) in between. Remove p from the completion: only the span changes. The shortened
 * completion is still valid, and so p need not be tried here, unless
 * <ul>
 *   <li>a completed operation still to come needs a value of the span (a read of it, an ok cas
 *       expecting it),
 *   <li>a failed cas still to come refutes a value the span would have without p, or
 *   <li>a cas of unknown outcome still to come expects a value of the span (it might be the next
 *       setter, taking effect only because of p).
 * </ul>
 * On keys without appends the span holds R alone; "needs R" is then sharpened to "has p as a
 * producer" ({@link ValueSupply}), and the values refuted without p are just T. On keys with
 * appends, the span's values are R's text extended, and the values without p are T's text extended,
 * so the tests become prefix tests, answered in O(log n) from sorted sets of the texts still needed.
 *
 * <h2>Is the current value irrelevant?</h2>
 * A value that nothing still to come needs, refutes or expects, not even extended by appends, is
 * indistinguishable from any other such value: until the next write or cas, no read or cas can take
 * effect and every failed cas can. So the memo may file all configurations whose value is
 * irrelevant under one state ({@link #isIrrelevant}). This merges the arrangements of writes and
 * appends nobody observed, which otherwise multiply like any other.
 */
final class RemainingDemand {
    private final ValueSupply supply;
    private final RegisterModel model;
    private final boolean byText;
    private final int[] consumersLeft;
    private final int[] neededLeftByState;
    private final int[] failedCasLeftByRefutedState;
    private final int[] unknownCasLeftByExpectedState;
    private final TreeMap<String, Integer> neededTexts = new TreeMap<>();
    private final TreeMap<String, Integer> refutedTexts = new TreeMap<>();
    private final TreeMap<String, Integer> expectedTexts = new TreeMap<>();

    RemainingDemand(KeyProblem problem) {
        this.supply = problem.supply();
        this.model = problem.model();
        this.byText = problem.operations().stream().anyMatch(operation -> operation.action() == Action.APPEND);
        int slots = problem.slotCount();
        consumersLeft = new int[slots];
        // Refuted and expected states are values in cas arguments, all interned when the model was compiled.
        neededLeftByState = new int[model.valueCount()];
        failedCasLeftByRefutedState = new int[model.valueCount()];
        unknownCasLeftByExpectedState = new int[model.valueCount()];
        for (int slot = 0; slot < slots; slot++) {
            consumersLeft[slot] = supply.consumersOf(slot).length;
            count(slot, +1);
        }
    }

    /** False if letting unknown-outcome operation {@code slot} take effect now, in {@code state}, cannot matter. */
    boolean mayMatter(int slot, int state) {
        int after = model.step(state, slot);
        if (after == RegisterModel.REJECT) {
            return false;
        }
        if (!byText) {
            return consumersLeft[slot] > 0 || failedCasLeftByRefutedState[state] > 0 || unknownCasLeftByExpectedState[after] > 0;
        }
        String afterText = text(after);
        return hasPrefix(neededTexts, afterText) || hasPrefix(refutedTexts, text(state)) || hasPrefix(expectedTexts, afterText);
    }

    /**
     * True if nothing still to come needs, refutes or expects {@code state}, or (on keys with
     * appends) any extension of its text.
     */
    boolean isIrrelevant(int state) {
        if (!byText) {
            return state >= neededLeftByState.length
                    || (neededLeftByState[state] == 0 && failedCasLeftByRefutedState[state] == 0 && unknownCasLeftByExpectedState[state] == 0);
        }
        String text = text(state);
        return !hasPrefix(neededTexts, text) && !hasPrefix(refutedTexts, text) && !hasPrefix(expectedTexts, text);
    }

    void linearize(int slot) {
        count(slot, -1);
    }

    void undo(int slot) {
        count(slot, +1);
    }

    /** Counts {@code slot} in or out of what is still to come. */
    private void count(int slot, int delta) {
        for (int producer : supply.producersOf(slot)) {
            consumersLeft[producer] += delta;
        }
        int needed = supply.requiredState(slot);
        int refuted = model.refutedState(slot);
        int expected = supply.isDefinite(slot) ? -1 : model.requiredState(slot);
        if (needed >= 0) {
            neededLeftByState[needed] += delta;
            if (byText) {
                add(neededTexts, text(needed), delta);
            }
        }
        if (refuted >= 0) {
            failedCasLeftByRefutedState[refuted] += delta;
            if (byText) {
                add(refutedTexts, text(refuted), delta);
            }
        }
        if (expected >= 0) {
            unknownCasLeftByExpectedState[expected] += delta;
            if (byText) {
                add(expectedTexts, text(expected), delta);
            }
        }
    }

    private String text(int state) {
        return RegisterModel.asText(model.value(state));
    }

    private static boolean hasPrefix(TreeMap<String, Integer> texts, String prefix) {
        String first = texts.ceilingKey(prefix);
        return first != null && first.startsWith(prefix);
    }

    private static void add(TreeMap<String, Integer> texts, String text, int delta) {
        int count = texts.getOrDefault(text, 0) + delta;
        Invariant.check(count >= 0, "text counts stay non-negative");
        if (count == 0) {
            texts.remove(text);
        } else {
            texts.put(text, count);
        }
    }
}
