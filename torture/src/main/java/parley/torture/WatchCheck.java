package parley.torture;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Judges the watch streams, and with them what the linearizability history cannot express:
 * <ul>
 *   <li>every watcher saw every revision from the first to the cluster's final one exactly once, in
 *       order, with no gap (events of one revision arrive together);
 *   <li>all watchers agree on what each revision did;
 *   <li>every acknowledged write is in the revision its answer named, with its value; for a two-key
 *       txn that means both keys changed in that one revision (atomicity);
 *   <li>every acknowledged read, single-key or a two-key txn, returned exactly the state the watch
 *       streams give for the revision its answer named (a snapshot, not a mix of two moments).
 * </ul>
 */
public final class WatchCheck {
    /** How many problems of each kind are spelled out; the rest are counted. */
    private static final int PROBLEMS_SHOWN_MAX = 10;

    /** The events of one revision as one watcher received them. */
    record Group(long revision, List<Change> changes) {}

    /** One key's change: a put of {@code value}, or a delete when it is null. */
    record Change(String key, Long value) {
        @Override public String toString() { return key + "=" + value; }
    }

    /** What the check found; {@code problems} empty means it passed. */
    public record Result(List<String> problems, int problemCount, long revisionsChecked, int writesChecked, int readsChecked) {
        public boolean passed() { return problemCount == 0; }
    }

    private final List<String> problems = new ArrayList<>();
    private int problemCount;
    private final Map<String, Integer> perKind = new HashMap<>();

    private void problem(String kind, String text) {
        problemCount++;
        int n = perKind.merge(kind, 1, Integer::sum);
        if (n <= PROBLEMS_SHOWN_MAX) problems.add(text);
    }

    /**
     * @param firstRevision the first revision a watcher must see (the one after the cluster's state when watching began)
     * @param finalRevision the revision every node reached after the run
     */
    static Result check(Map<Integer, List<Watcher.Seen>> streams, long firstRevision, long finalRevision, List<Recorder.AckedWrite> writes,
                        List<Recorder.AckedRead> reads) {
        WatchCheck check = new WatchCheck();
        Map<Long, List<Change>> canonical = new TreeMap<>();
        for (Map.Entry<Integer, List<Watcher.Seen>> stream : new TreeMap<>(streams).entrySet()) {
            int watcher = stream.getKey();
            List<Group> groups = check.groups(stream.getValue());
            check.checkSequence(watcher, groups, firstRevision, finalRevision);
            for (Group g : groups) {
                List<Change> known = canonical.putIfAbsent(g.revision(), g.changes());
                if (known != null && !known.equals(g.changes())) {
                    check.problem("disagree", "watchers disagree at revision " + g.revision() + ": " + known + " vs watcher " + watcher + ": " + g.changes());
                }
            }
        }
        check.checkWrites(canonical, writes);
        check.checkReads(canonical, reads, firstRevision);
        for (Map.Entry<String, Integer> e : check.perKind.entrySet()) {
            if (e.getValue() > PROBLEMS_SHOWN_MAX) check.problems.add("(" + (e.getValue() - PROBLEMS_SHOWN_MAX) + " more problems of kind '" + e.getKey() + "')");
        }
        return new Result(List.copyOf(check.problems), check.problemCount, Math.max(0, finalRevision - firstRevision + 1), writes.size(), reads.size());
    }

    /** Consecutive events of the same revision become one group; a revision that comes back later is a second group. */
    private static List<Group> groups(List<Watcher.Seen> seen) {
        List<Group> groups = new ArrayList<>();
        List<Change> current = null;
        long revision = Long.MIN_VALUE;
        for (Watcher.Seen s : seen) {
            if (current == null || s.revision() != revision) {
                current = new ArrayList<>();
                revision = s.revision();
                groups.add(new Group(revision, current));
            }
            current.add(new Change(s.key(), s.value()));
        }
        return groups;
    }

    private void checkSequence(int watcher, List<Group> groups, long firstRevision, long finalRevision) {
        long expected = firstRevision;
        for (Group g : groups) {
            if (g.revision() < expected) {
                problem("order", "watcher " + watcher + ": revision " + g.revision() + " after " + (expected - 1) + " (repeated or out of order)");
                continue;
            }
            if (g.revision() > expected) {
                problem("gap", "watcher " + watcher + ": missed revision" + (g.revision() - expected > 1 ? "s " + expected + ".." + (g.revision() - 1) : " " + expected));
            }
            expected = g.revision() + 1;
        }
        if (expected - 1 < finalRevision) {
            problem("short", "watcher " + watcher + ": saw up to revision " + (expected - 1) + " but the cluster reached " + finalRevision);
        } else if (expected - 1 > finalRevision) {
            problem("beyond", "watcher " + watcher + ": saw revision " + (expected - 1) + " beyond the cluster's final " + finalRevision);
        }
    }

    private void checkWrites(Map<Long, List<Change>> canonical, List<Recorder.AckedWrite> writes) {
        for (Recorder.AckedWrite w : writes) {
            List<Change> at = canonical.get(w.revision());
            Change expected = new Change(w.key(), w.value());
            if (at == null) {
                problem("lost-write", "acknowledged " + w.kind() + " " + expected + " at revision " + w.revision() + ": no watcher saw that revision");
            } else if (!at.contains(expected)) {
                problem("lost-write", "acknowledged " + w.kind() + " " + expected + " at revision " + w.revision() + ", but watchers saw " + at + " there");
            }
        }
    }

    /** Replays the canonical revisions in order and compares each acknowledged read with the state at its revision. */
    private void checkReads(Map<Long, List<Change>> canonical, List<Recorder.AckedRead> reads, long firstRevision) {
        List<Recorder.AckedRead> byRevision = new ArrayList<>(reads);
        byRevision.sort(Comparator.comparingLong(Recorder.AckedRead::revision));
        Map<String, Long> state = new HashMap<>();
        var revisions = new ArrayList<>(canonical.entrySet());
        int next = 0;
        for (Recorder.AckedRead read : byRevision) {
            if (read.revision() < firstRevision - 1) {
                problem("snapshot", read.kind() + " answered at revision " + read.revision() + ", before the run's first revision " + firstRevision);
                continue;
            }
            while (next < revisions.size() && revisions.get(next).getKey() <= read.revision()) {
                for (Change c : revisions.get(next).getValue()) {
                    if (c.value() == null) state.remove(c.key());
                    else state.put(c.key(), c.value());
                }
                next++;
            }
            for (Map.Entry<String, Long> e : read.values().entrySet()) {
                Long expected = state.get(e.getKey());
                if (!Objects.equals(expected, e.getValue())) {
                    problem("snapshot", read.kind() + " at revision " + read.revision() + " returned " + e.getKey() + "=" + e.getValue()
                            + ", but the watch streams give " + e.getKey() + "=" + expected + " at that revision (all read: " + read.values() + ")");
                }
            }
        }
    }
}
