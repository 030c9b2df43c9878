package parley.check;

import java.util.Arrays;

/**
 * Finds and orders the operations the search may linearize next at a configuration: the calls
 * before the first remaining return entry of the {@link EntryList}.
 *
 * <p>The order decides how fast a linearization is found, never whether one is: every candidate is
 * eventually tried (except where a shortcut below is exact). The order is:
 * <ol>
 *   <li><b>Helpful</b> candidates: those that would produce a value some pending completed operation
 *       is waiting for (a write of the value a pending read returned). Following what the history
 *       shows beats guessing.
 *   <li>Other completed operations, in invoke order.
 *   <li>Other operations of unknown outcome, last: they need never take effect, so the search lets
 *       them only when nothing certain explains the history.
 * </ol>
 *
 * <p>Three shortcuts, all exact:
 * <ul>
 *   <li>An observer (read, failed cas) that fits the state now becomes the only candidate. It
 *       changes nothing, so if any order works, the same order with the observer moved here works
 *       too (everything before it sees the same states, and it was invoked before every pending
 *       return); trying alternatives would only multiply the configurations.
 *   <li>An operation of unknown outcome whose effect here could not matter is left out (see
 *       {@link RemainingDemand}); it stays a candidate of later configurations.
 *   <li>A completed candidate that needs a string the value can no longer grow into by appends
 *       dooms the configuration: no candidates at all ({@link PrefixTracker#cannotReach}).
 * </ul>
 */
final class CandidateCollector {
    private final KeyProblem problem;
    private final EntryList entries;
    private final RegisterModel model;
    private final RemainingDemand demand;
    private final PrefixTracker prefixes;

    private int[] definite = new int[16];
    private int[] unknown = new int[16];
    private int[] neededStates = new int[16];
    private int[] ordered = new int[16];
    private int count;
    private int doomedSlot;

    CandidateCollector(KeyProblem problem, EntryList entries, RemainingDemand demand, PrefixTracker prefixes) {
        this.demand = demand;
        this.prefixes = prefixes;
        this.problem = problem;
        this.entries = entries;
        this.model = problem.model();
    }

    /**
     * Collects the candidates of the configuration with register {@code state}; read them with
     * {@link #count()} and {@link #candidates()}.
     */
    void collect(int state) {
        int definiteCount = 0;
        int unknownCount = 0;
        int neededCount = 0;
        count = 0;
        doomedSlot = -1;
        for (int e = entries.first(); e >= 0 && entries.isCall(e); e = entries.next(e)) {
            int slot = entries.slot(e);
            if (!problem.isDefinite(slot)) {
                if (demand.mayMatter(slot, state)) {
                    unknown = append(unknown, unknownCount++, slot);
                }
            } else if (model.isObserver(slot) && model.step(state, slot) != RegisterModel.REJECT) {
                ordered[0] = slot;
                count = 1;
                return;
            } else if (prefixes.cannotReach(slot, state)) {
                doomedSlot = slot;
                return;
            } else {
                definite = append(definite, definiteCount++, slot);
                int required = model.requiredState(slot);
                if (required >= 0 && required != state) {
                    neededStates = append(neededStates, neededCount++, required);
                }
            }
        }
        order(state, definiteCount, unknownCount, neededCount);
    }

    /**
     * The completed candidate whose needed string the current value can no longer grow into (see
     * {@link PrefixTracker#cannotReach}), dooming the configuration; -1 if there is none.
     * A doomed configuration has no candidates.
     */
    int doomedSlot() {
        return doomedSlot;
    }

    /** Number of candidates found by the last {@link #collect}. */
    int count() {
        return count;
    }

    /** The candidates found by the last {@link #collect}, in trial order; valid until the next call. */
    int[] candidates() {
        return ordered;
    }

    private void order(int state, int definiteCount, int unknownCount, int neededCount) {
        ordered = ensure(ordered, definiteCount + unknownCount);
        // Pass 0 takes the helpful ones, pass 1 the rest; within a pass definite before unknown.
        for (int pass = 0; pass < 2; pass++) {
            boolean wantHelpful = pass == 0;
            for (int i = 0; i < definiteCount; i++) {
                if (isHelpful(state, definite[i], neededCount) == wantHelpful) {
                    ordered[count++] = definite[i];
                }
            }
            for (int i = 0; i < unknownCount; i++) {
                if (isHelpful(state, unknown[i], neededCount) == wantHelpful) {
                    ordered[count++] = unknown[i];
                }
            }
        }
        Invariant.check(count == definiteCount + unknownCount, "every candidate is ordered once");
    }

    private boolean isHelpful(int state, int slot, int neededCount) {
        if (neededCount == 0 || model.isObserver(slot)) {
            return false;
        }
        int after = model.step(state, slot);
        if (after == RegisterModel.REJECT) {
            return false;
        }
        for (int i = 0; i < neededCount; i++) {
            if (neededStates[i] == after) {
                return true;
            }
        }
        return false;
    }

    private static int[] append(int[] buffer, int index, int value) {
        int[] target = ensure(buffer, index + 1);
        target[index] = value;
        return target;
    }

    private static int[] ensure(int[] buffer, int size) {
        return size <= buffer.length ? buffer : Arrays.copyOf(buffer, Math.max(size, buffer.length * 2));
    }
}
