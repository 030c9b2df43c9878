package parley.check;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * On keys with appends, notices when the value's text can no longer grow into a string some
 * completed operation needs.
 *
 * <p>Appends only extend the text. An operation x that needs string S can be served from value T
 * only if T's text is a prefix of S, unless some <em>resetter</em> of x (a write or cas setting a
 * prefix of S, invoked before x returns; see {@link PrefixResets}) is still to come. Once x has no
 * resetter left, it is <em>bound</em>: every value from now until x takes effect must be a prefix of
 * S. The bound operations' strings must then all extend the current text, in particular the
 * shortest of them, which the tracker keeps at hand in O(log n).
 *
 * <p>This catches appends taken in the wrong order at the moment the first one goes wrong, rather
 * than when the read that reveals the order comes up. The search reports each linearize and undo,
 * in stack order.
 */
final class PrefixTracker {
    private final PrefixResets resets;
    private final ValueSupply supply;
    private final RegisterModel model;
    private final int[] resettersLeft;
    private final boolean[] linearized;
    /** Bound operations' needed states, keyed by (text length, state), counted. */
    private final TreeMap<Long, Integer> boundByLength = new TreeMap<>();
    private final Map<Long, Boolean> prefixCache = new HashMap<>();

    PrefixTracker(KeyProblem problem) {
        this.resets = problem.resets();
        this.supply = problem.supply();
        this.model = problem.model();
        resettersLeft = new int[problem.slotCount()];
        linearized = new boolean[problem.slotCount()];
        for (int slot = 0; slot < resettersLeft.length; slot++) {
            resettersLeft[slot] = resets.resettersOf(slot).length;
            if (isBound(slot)) {
                bind(slot, +1);
            }
        }
    }

    /** True if unlinearized {@code slot} is bound and the text of {@code state} does not lead to what it needs. */
    boolean cannotReach(int slot, int state) {
        return isBound(slot) && !leadsTo(state, supply.requiredState(slot));
    }

    /** True if the text of {@code state} does not lead to the shortest string a bound operation needs. */
    boolean doomed(int state) {
        if (boundByLength.isEmpty()) {
            return false;
        }
        int shortest = (int) (long) boundByLength.firstKey();
        return !leadsTo(state, shortest);
    }

    /** The earliest-returning bound operation whose string {@code state} does not lead to, or -1. */
    int doomedSlot(int state) {
        for (int slot = 0; slot < linearized.length; slot++) {
            if (cannotReach(slot, state)) {
                return slot;
            }
        }
        return -1;
    }

    /** Entries in the prefix cache, for the memory budget. */
    long cacheSize() {
        return prefixCache.size();
    }

    void linearize(int slot) {
        Invariant.check(!linearized[slot], "slot %d is linearized once", slot);
        if (isBound(slot)) {
            bind(slot, -1);
        }
        linearized[slot] = true;
        for (int target : resets.targetsOf(slot)) {
            resettersLeft[target]--;
            if (isBound(target) && resettersLeft[target] == 0) {
                bind(target, +1);
            }
        }
    }

    void undo(int slot) {
        Invariant.check(linearized[slot], "slot %d is linearized before it is undone", slot);
        int[] targets = resets.targetsOf(slot);
        for (int i = targets.length - 1; i >= 0; i--) {
            int target = targets[i];
            if (isBound(target) && resettersLeft[target] == 0) {
                bind(target, -1);
            }
            resettersLeft[target]++;
        }
        linearized[slot] = false;
        if (isBound(slot)) {
            bind(slot, +1);
        }
    }

    private boolean isBound(int slot) {
        return resets.applies(slot) && resettersLeft[slot] == 0 && !linearized[slot];
    }

    private void bind(int slot, int delta) {
        int required = supply.requiredState(slot);
        long key = ((long) ((Value.Str) model.value(required)).text().length() << 32) | required;
        int count = boundByLength.getOrDefault(key, 0) + delta;
        Invariant.check(count >= 0, "bound counts stay non-negative");
        if (count == 0) {
            boundByLength.remove(key);
        } else {
            boundByLength.put(key, count);
        }
    }

    /** True if appends can turn {@code state} into {@code required}: its text is a prefix of the needed string. */
    private boolean leadsTo(int state, int required) {
        if (state == required) {
            return true;
        }
        long cacheKey = ((long) state << 32) | required;
        Boolean prefix = prefixCache.get(cacheKey);
        if (prefix == null) {
            prefix = ((Value.Str) model.value(required)).text().startsWith(RegisterModel.asText(model.value(state)));
            prefixCache.put(cacheKey, prefix);
        }
        return prefix;
    }
}
