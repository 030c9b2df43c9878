package parley.kv;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import parley.core.Check;

/**
 * Every stored change in revision order. Changes only ever arrive at the end (revisions grow), so
 * an array list with binary search serves what a sorted map did: appending costs no tree node and no
 * rebalancing, a range of revisions is a sub-list found in O(log n), and compaction is one pass.
 */
final class RevisionLog {
    private ArrayList<Mutation> changes = new ArrayList<>();

    void append(Mutation mutation) {
        Check.that(changes.isEmpty() || changes.getLast().revision().compareTo(mutation.revision()) < 0,
                "each revision holds one change, in order: %s after %s", mutation.revision(),
                changes.isEmpty() ? "nothing" : changes.getLast().revision());
        changes.add(mutation);
    }

    int size() {
        return changes.size();
    }

    /** The changes with main revision in {@code [fromMain, toMain]}, in order; a read-only view. */
    List<Mutation> between(long fromMain, long toMain) {
        if (fromMain > toMain) return List.of();
        int from = firstAtOrAbove(fromMain);
        int to = firstAtOrAbove(toMain + 1);
        return Collections.unmodifiableList(changes.subList(from, Math.max(from, to)));
    }

    /** Every change, oldest first; a read-only view. */
    List<Mutation> all() {
        return Collections.unmodifiableList(changes);
    }

    /** Drops the given changes (by identity), keeping the order of the rest. */
    void removeAll(Set<Mutation> dropped) {
        if (dropped.isEmpty()) return;
        ArrayList<Mutation> kept = new ArrayList<>(Math.max(16, changes.size() - dropped.size()));
        for (Mutation m : changes) {
            if (!dropped.contains(m)) kept.add(m);
        }
        changes = kept;
    }

    private int firstAtOrAbove(long main) {
        int low = 0;
        int high = changes.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (changes.get(mid).revision().main() < main) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }
}
