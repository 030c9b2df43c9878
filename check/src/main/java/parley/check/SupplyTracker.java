package parley.check;


/**
 * Notices, in O(1) per configuration, when a search configuration is doomed because some completed
 * operation can no longer find the value it needs.
 *
 * <p>An operation x that needs value v (a read of v, an ok cas expecting v) can only take effect
 * where the state is v. Once every operation that could supply v in time (see {@link ValueSupply})
 * has been linearized, x is <em>starved</em>: it must take effect before the state next changes,
 * because nothing can bring v back. So a configuration whose state differs from what some
 * unlinearized starved operation needs has no completion, however far off that operation's return
 * may be.
 *
 * <p>This is what makes wrong guesses cheap. Linearizing a write too early starves the reads of
 * the value it overwrote, and the search backs out at once rather than after exploring every
 * arrangement of the operations between the guess and those reads' returns.
 *
 * <p>On keys with appends, the {@link PrefixTracker} applies the same idea to text.
 *
 * <p>The tracker keeps, per needing operation, how many of its producers are not linearized, and
 * per state how many unlinearized starved operations need it; the search reports each linearize
 * and undo, in stack order.
 */
final class SupplyTracker {
    private final ValueSupply supply;
    private final int[] producersLeft;
    private final boolean[] linearized;
    private final int[] starvedByState;
    private int starvedCount;

    SupplyTracker(KeyProblem problem) {
        this.supply = problem.supply();
        int slots = problem.slotCount();
        producersLeft = new int[slots];
        linearized = new boolean[slots];
        // Needed states are values read or expected, all interned when the model was compiled.
        starvedByState = new int[problem.model().valueCount()];
        for (int slot = 0; slot < slots; slot++) {
            producersLeft[slot] = supply.producersOf(slot).length;
            if (isStarved(slot)) {
                starve(slot, +1);
            }
        }
    }

    /** True if some unlinearized starved operation needs a state other than {@code state}. */
    boolean doomed(int state) {
        int starvedHere = state < starvedByState.length ? starvedByState[state] : 0;
        return starvedCount > starvedHere;
    }

    /** The earliest-returning starved operation that {@code state} does not serve, or -1. */
    int doomedSlot(int state) {
        for (int slot = 0; slot < producersLeft.length; slot++) {
            if (isStarved(slot) && supply.requiredState(slot) != state) {
                return slot;
            }
        }
        return -1;
    }

    /** Records that {@code slot} has been linearized. */
    void linearize(int slot) {
        Invariant.check(!linearized[slot], "slot %d is linearized once", slot);
        if (isStarved(slot)) {
            starve(slot, -1);
        }
        linearized[slot] = true;
        for (int consumer : supply.consumersOf(slot)) {
            producersLeft[consumer]--;
            if (isStarved(consumer)) {
                starve(consumer, +1);
            }
        }
    }

    /** Takes back the most recent {@link #linearize} still in effect, which was of {@code slot}. */
    void undo(int slot) {
        Invariant.check(linearized[slot], "slot %d is linearized before it is undone", slot);
        int[] consumers = supply.consumersOf(slot);
        for (int i = consumers.length - 1; i >= 0; i--) {
            int consumer = consumers[i];
            if (isStarved(consumer)) {
                starve(consumer, -1);
            }
            producersLeft[consumer]++;
        }
        linearized[slot] = false;
        if (isStarved(slot)) {
            starve(slot, +1);
        }
    }

    private boolean isStarved(int slot) {
        return producersLeft[slot] == 0 && !linearized[slot] && supply.requiredState(slot) >= 0;
    }

    private void starve(int slot, int delta) {
        starvedByState[supply.requiredState(slot)] += delta;
        starvedCount += delta;
        Invariant.check(starvedCount >= 0 && starvedByState[supply.requiredState(slot)] >= 0, "starved counts stay non-negative");
    }
}
