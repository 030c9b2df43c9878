package parley.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Who can supply the value an operation needs. For every completed operation x that needs a
 * particular value v (a read of v, an ok cas expecting v), its <em>producers</em> are the operations
 * that could be the last to set the register before x takes effect: writes of v, cas to v, appends
 * of a suffix of v, that
 * <ul>
 *   <li>were invoked before x returns (otherwise they come after x), and
 *   <li>are not <em>certainly overwritten</em> before x is invoked: if some completed write, cas or
 *       append q was invoked after producer p returned and returned before x was invoked, then q
 *       takes effect between p and x in every order, so p is not the last to set the register
 *       before x.
 * </ul>
 * The second rule catches stale reads before any search: a read of a value that was overwritten
 * before the read began has no producer left, and the {@link SupplyTracker} dooms the root.
 *
 * <p>Built once per key, with the inverse (for every producer, the operations it may supply).
 */
final class ValueSupply {
    private static final int[] NONE = SlotLists.NONE;

    private final List<Operation> bySlot;
    private final int definiteCount;
    private final RegisterModel model;
    private final int[] overwriterBySlot;
    private final int[][] producersBySlot;
    private final int[][] consumersBySlot;

    /**
     * Indexes, for every operation that needs a value, the operations that could produce it.
     *
     * @param bySlot a key's operations by slot (see {@link KeyProblem})
     * @param definiteCount slots below this are definite, the rest of unknown outcome
     * @param model the register with every slot compiled as the step of the same number
     */
    ValueSupply(List<Operation> bySlot, int definiteCount, RegisterModel model) {
        this.bySlot = bySlot;
        this.definiteCount = definiteCount;
        this.model = model;
        this.overwriterBySlot = firstCertainOverwriters(bySlot, definiteCount);
        ProducerIndex index = new ProducerIndex(bySlot);
        producersBySlot = new int[bySlot.size()][];
        for (int slot = 0; slot < bySlot.size(); slot++) {
            int required = requiredState(slot);
            producersBySlot[slot] = required < 0 ? NONE : producersInTime(index.producersOf(model.value(required), slot), slot);
        }
        consumersBySlot = SlotLists.invert(producersBySlot);
    }

    /** Keeps the producers that can be the last to set the register before {@code consumer}. */
    private int[] producersInTime(int[] producers, int consumer) {
        Operation needy = bySlot.get(consumer);
        int[] kept = new int[producers.length];
        int count = 0;
        for (int producer : producers) {
            if (bySlot.get(producer).invokeLine() < needy.completeLine() && !overwrittenBefore(producer, needy.invokeLine())) {
                kept[count++] = producer;
            }
        }
        return Arrays.copyOf(kept, count);
    }

    private boolean overwrittenBefore(int producer, long line) {
        int overwriter = overwriterBySlot[producer];
        return overwriter >= 0 && bySlot.get(overwriter).completeLine() < line;
    }

    /**
     * For each operation p, the completed setter q invoked after p returned that returns first, or
     * -1: every operation invoked after q returns sees p overwritten. Setters sorted by invoke
     * position with a suffix minimum of return positions answer this for all p in O(n log n).
     */
    private static int[] firstCertainOverwriters(List<Operation> bySlot, int definiteCount) {
        List<Integer> setters = new ArrayList<>();
        for (int slot = 0; slot < definiteCount; slot++) {
            Operation operation = bySlot.get(slot);
            if (operation.outcome() == Outcome.OK && operation.action() != Action.READ) {
                setters.add(slot);
            }
        }
        setters.sort(Comparator.comparingLong(slot -> bySlot.get(slot).invokeLine()));
        long[] invokeLines = new long[setters.size()];
        int[] earliestReturnFrom = new int[setters.size() + 1];
        earliestReturnFrom[setters.size()] = -1;
        for (int i = setters.size() - 1; i >= 0; i--) {
            int setter = setters.get(i);
            invokeLines[i] = bySlot.get(setter).invokeLine();
            int best = earliestReturnFrom[i + 1];
            earliestReturnFrom[i] = best >= 0 && bySlot.get(best).completeLine() < bySlot.get(setter).completeLine() ? best : setter;
        }
        int[] overwriters = new int[bySlot.size()];
        Arrays.fill(overwriters, -1);
        for (int slot = 0; slot < definiteCount; slot++) {
            int first = Arrays.binarySearch(invokeLines, bySlot.get(slot).completeLine());
            // Positions are distinct, so the search misses and encodes the insertion point.
            Invariant.check(first < 0, "invoke and return positions are distinct");
            overwriters[slot] = earliestReturnFrom[-first - 1];
        }
        return overwriters;
    }

    /**
     * The completed setter that certainly overwrites {@code slot}'s effect earliest (it was invoked
     * after {@code slot} returned and returns first among such), or -1.
     */
    int overwriterOf(int slot) {
        return overwriterBySlot[slot];
    }

    /** True if {@code slot} completed (must take effect); false if its outcome is unknown. */
    boolean isDefinite(int slot) {
        return slot < definiteCount;
    }

    /**
     * The state completed operation {@code slot} needs to find, or -1 if it needs none in particular.
     * Operations of unknown outcome never need anything: they may simply not have happened.
     */
    int requiredState(int slot) {
        return slot < definiteCount ? model.requiredState(slot) : -1;
    }

    /** The operations that could be the last to set what {@code slot} needs, in invoke order (shared array). */
    int[] producersOf(int slot) {
        return producersBySlot[slot];
    }

    /** The completed operations that {@code slot} could supply (shared array). */
    int[] consumersOf(int slot) {
        return consumersBySlot[slot];
    }
}
