package parley.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The history of one key as Lowe's and Porcupine's search sees it: a list of <em>call</em> and
 * <em>return</em> entries in history order, doubly linked so that linearizing an operation can
 * <em>lift</em> its two entries out in O(1) and backtracking can put them back in O(1) (the
 * "dancing links" trick: an unlinked entry keeps its own pointers, so relinking in reverse order of
 * unlinking restores the list exactly).
 *
 * <p>The calls before the first remaining return entry are the operations that may be linearized
 * next: the operation owning that return must take effect before it returns, so nothing invoked
 * after that return can come first. Operations of unknown outcome have a call entry only: nothing
 * bounds them, so they never block the search and may stay unlinearized forever.
 */
final class EntryList {
    private static final int END = -1;

    private final int head;
    private final int[] next;
    private final int[] previous;
    private final int[] slotOfEntry;
    private final boolean[] isCall;
    private final int[] callEntryOfSlot;
    private final int[] returnEntryOfSlot;

    private record Entry(long position, int slot, boolean call) {}

    EntryList(List<Operation> bySlot, int definiteCount) {
        List<Entry> sorted = new ArrayList<>();
        for (int slot = 0; slot < bySlot.size(); slot++) {
            Operation operation = bySlot.get(slot);
            sorted.add(new Entry(operation.invokeLine(), slot, true));
            if (slot < definiteCount) {
                sorted.add(new Entry(operation.completeLine(), slot, false));
            } else {
                Invariant.check(operation.isInfo(), "slots from definiteCount on have unknown outcome");
            }
        }
        sorted.sort(Comparator.comparingLong(Entry::position));
        int count = sorted.size();
        head = count;
        next = new int[count + 1];
        previous = new int[count + 1];
        slotOfEntry = new int[count];
        isCall = new boolean[count];
        callEntryOfSlot = new int[bySlot.size()];
        returnEntryOfSlot = new int[bySlot.size()];
        Arrays.fill(returnEntryOfSlot, END);
        for (int e = 0; e < count; e++) {
            Entry entry = sorted.get(e);
            Invariant.check(e == 0 || sorted.get(e - 1).position() < entry.position(), "entry positions are distinct");
            slotOfEntry[e] = entry.slot();
            isCall[e] = entry.call();
            if (entry.call()) {
                callEntryOfSlot[entry.slot()] = e;
            } else {
                returnEntryOfSlot[entry.slot()] = e;
            }
            next[e] = e + 1 < count ? e + 1 : END;
            previous[e] = e == 0 ? head : e - 1;
        }
        next[head] = count > 0 ? 0 : END;
        previous[head] = END;
    }

    /** The first remaining entry, or a negative number if none remain. */
    int first() {
        return next[head];
    }

    /** The entry after {@code entry}, or a negative number at the end. */
    int next(int entry) {
        return next[entry];
    }

    boolean isCall(int entry) {
        return isCall[entry];
    }

    int slot(int entry) {
        return slotOfEntry[entry];
    }

    /** Removes the entries of {@code slot}, which has just been linearized. */
    void lift(int slot) {
        unlink(callEntryOfSlot[slot]);
        int returnEntry = returnEntryOfSlot[slot];
        if (returnEntry != END) {
            unlink(returnEntry);
        }
    }

    /** Restores the entries of {@code slot}; must undo the most recent {@link #lift} still in effect. */
    void unlift(int slot) {
        int returnEntry = returnEntryOfSlot[slot];
        if (returnEntry != END) {
            relink(returnEntry);
        }
        relink(callEntryOfSlot[slot]);
    }

    private void unlink(int entry) {
        Invariant.check(next[previous[entry]] == entry, "entry %d is linked before it is lifted", entry);
        next[previous[entry]] = next[entry];
        if (next[entry] != END) {
            previous[next[entry]] = previous[entry];
        }
    }

    private void relink(int entry) {
        next[previous[entry]] = entry;
        if (next[entry] != END) {
            previous[next[entry]] = entry;
        }
    }
}
