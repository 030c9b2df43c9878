package parley.kv;

import java.util.ArrayList;
import java.util.function.Consumer;
import parley.core.Check;

/**
 * The retained changes of one key, oldest first. A key that was deleted and put again simply has a
 * tombstone between its generations; version and create revision restart after it.
 */
final class KeyHistory {
    private ArrayList<Mutation> mutations = new ArrayList<>(2);

    void append(Mutation mutation) {
        Check.that(mutations.isEmpty() || latest().revision().compareTo(mutation.revision()) < 0,
                "key history grows in revision order: %s after %s", mutation.revision(),
                mutations.isEmpty() ? "nothing" : latest().revision());
        mutations.add(mutation);
    }

    boolean isEmpty() {
        return mutations.isEmpty();
    }

    Mutation latest() {
        return mutations.get(mutations.size() - 1);
    }

    /** The live version now, or null when the key is deleted. */
    KeyValue live() {
        return mutations.isEmpty() ? null : latest().liveValue();
    }

    /** Hands {@code visit} every retained change with main revision at or below {@code revision}, oldest first. */
    void forEachAtOrBelow(long revision, Consumer<Mutation> visit) {
        for (Mutation mutation : mutations) {
            if (mutation.revision().main() > revision) return;
            visit.accept(mutation);
        }
    }

    /** The live version as of main revision {@code revision}, or null. */
    KeyValue liveAt(long revision) {
        int index = lastIndexAtOrBelow(revision);
        return index < 0 ? null : mutations.get(index).liveValue();
    }

    /** The version just before {@code revision}, or null (deleted, absent, or compacted away). */
    KeyValue liveBefore(Revision revision) {
        int low = 0;
        int high = mutations.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (mutations.get(mid).revision().compareTo(revision) < 0) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low == 0 ? null : mutations.get(low - 1).liveValue();
    }

    /** Index of the last change with main revision at or below {@code revision}, or -1. */
    private int lastIndexAtOrBelow(long revision) {
        int low = 0;
        int high = mutations.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (mutations.get(mid).revision().main() <= revision) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low - 1;
    }

    /**
     * Drops the changes no read at or above {@code compactRevision} and no watch from it can need: a
     * change below it is dropped when a later change at or below it supersedes it, and a tombstone
     * below it always (a missing key reads the same as a deleted one). Changes at exactly the compact
     * revision all stay, so a watch starting there still sees every event of that revision.
     */
    void compact(long compactRevision, Consumer<Mutation> dropped) {
        ArrayList<Mutation> kept = new ArrayList<>(Math.max(4, mutations.size())); // room to grow again without copying
        for (int i = 0; i < mutations.size(); i++) {
            Mutation mutation = mutations.get(i);
            boolean belowCompaction = mutation.revision().main() < compactRevision;
            boolean superseded = i + 1 < mutations.size()
                    && mutations.get(i + 1).revision().main() <= compactRevision;
            if (belowCompaction && (superseded || !mutation.isPut())) {
                dropped.accept(mutation);
            } else {
                kept.add(mutation);
            }
        }
        mutations = kept;
    }
}
