package parley.check;

import java.util.Arrays;

/**
 * Lowe's depth-first search for a linearization of one key's operations (Wing and Gong's algorithm
 * with Lowe's memoization, as in Porcupine).
 *
 * <p>At each configuration the candidates are the calls that precede the first remaining return
 * entry (see {@link EntryList}). The search tries each candidate the model accepts, lifts it out of
 * the entry list and goes deeper; when no candidate fits it backtracks. It succeeds once every
 * definite operation is linearized: info operations left over simply never took effect.
 *
 * <p>Which candidates, in which order, is the {@link CandidateCollector}'s job; the order matters
 * for speed, not for the verdict. The {@link SupplyTracker} abandons a configuration as soon as an
 * operation can no longer find the value it needs, and the {@link ConfigMemo} makes sure no
 * configuration is explored twice.
 *
 * <p>The loop is iterative (histories are deeper than a thread stack) and keeps one frame per
 * depth: the state, the candidate list and the cursor into it.
 */
final class KeySearch {
    /** How many steps between clock readings; reading a clock costs more than a step. */
    private static final int STEPS_PER_CLOCK_CHECK = 1024;

    private final KeyProblem problem;
    private final SearchLimits limits;
    private final RegisterModel model;
    private final EntryList entries;
    private final CandidateCollector collector;
    private final SupplyTracker supply;
    private final PrefixTracker prefixes;
    private final RemainingDemand demand;
    private final ConfigMemo memo;
    private final int definiteCount;
    private final long[] linearizedDefinite;
    private final long[] linearizedInfo;

    // Frame of depth d: the configuration after d linearized operations.
    private final int[] stateAt;
    private final int[] frontierAt;
    private final int[] definiteMaxAt;
    private final int[] definiteCountAt;
    private final int[] setterAt;
    private final int[] appliedAt;
    private final int[][] candidatesAt;
    private final int[] candidateCountAt;
    private final int[] cursorAt;

    private DeepestPoint deepest;
    private long steps;

    /** The answer for one key. */
    sealed interface SearchResult permits Linearizable, NotLinearizable, GaveUp {}

    /** Some order of the operations respects real time and the register's specification. */
    record Linearizable() implements SearchResult {}

    /** No order does; {@code deepest} is where the search got furthest. */
    record NotLinearizable(DeepestPoint deepest) implements SearchResult {}

    /** A budget ran out first. */
    record GaveUp(String reason) implements SearchResult {}

    KeySearch(KeyProblem problem, SearchLimits limits) {
        this.problem = problem;
        this.limits = limits;
        this.model = problem.model();
        this.entries = new EntryList(problem.operations(), problem.definiteCount());
        this.supply = new SupplyTracker(problem);
        this.prefixes = new PrefixTracker(problem);
        this.demand = new RemainingDemand(problem);
        this.collector = new CandidateCollector(problem, entries, demand, prefixes);
        this.definiteCount = problem.definiteCount();
        int slots = problem.slotCount();
        this.memo = new ConfigMemo(slots - definiteCount);
        this.linearizedDefinite = Bits.words(definiteCount);
        this.linearizedInfo = Bits.words(slots - definiteCount);
        int depths = slots + 1;
        stateAt = new int[depths];
        frontierAt = new int[depths];
        definiteMaxAt = new int[depths];
        definiteCountAt = new int[depths];
        setterAt = new int[depths];
        appliedAt = new int[depths];
        candidatesAt = new int[depths][];
        candidateCountAt = new int[depths];
        cursorAt = new int[depths];
    }

    /** Memory in use, in memo entries: the memo, plus the values and caches that grow with it. */
    private long memoryUsed() {
        return memo.entryCount() + model.footprintInMemoEntries() + prefixes.cacheSize();
    }

    /** Runs the search to a verdict or until a budget runs out. Call once. */
    SearchResult run() {
        Invariant.check(steps == 0, "a search runs once");
        stateAt[0] = model.initialState();
        frontierAt[0] = 0;
        definiteMaxAt[0] = -1;
        definiteCountAt[0] = 0;
        setterAt[0] = -1;
        if (definiteCount == 0) {
            return new Linearizable();
        }
        memoEnter(0);
        if (isDoomed(0)) {
            return new NotLinearizable(deepest);
        }
        enter(0);
        int depth = 0;
        while (true) {
            if (++steps % STEPS_PER_CLOCK_CHECK == 0 && limits.pastDeadline()) {
                return new GaveUp("time budget exhausted on key " + JsonText.quote(problem.key()));
            }
            int next = tryNextCandidate(depth);
            if (next == depth) {
                if (depth == 0) {
                    Invariant.check(deepest != null, "a failed search has a deepest point");
                    return new NotLinearizable(deepest);
                }
                depth--;
                undo(depth);
            } else if (definiteCountAt[next] == definiteCount) {
                return new Linearizable();
            } else if (isDoomed(next)) {
                // Not memoized: the trackers recognize a doomed configuration again in O(log n).
                undo(depth);
            } else if (!memoEnter(next)) {
                undo(depth);
            } else if (memoryUsed() > limits.memoEntriesMax()) {
                return new GaveUp("memory budget of " + limits.memoEntriesMax() + " states exhausted on key " + JsonText.quote(problem.key()));
            } else {
                enter(next);
                depth = next;
            }
        }
    }

    /**
     * Applies the next candidate of frame {@code depth} that the model accepts and returns
     * {@code depth + 1}; returns {@code depth} when the frame has no candidates left.
     */
    private int tryNextCandidate(int depth) {
        int[] candidates = candidatesAt[depth];
        int state = stateAt[depth];
        while (cursorAt[depth] < candidateCountAt[depth]) {
            int slot = candidates[cursorAt[depth]++];
            int after = model.step(state, slot);
            if (after != RegisterModel.REJECT) {
                apply(depth, slot, after);
                return depth + 1;
            }
        }
        return depth;
    }

    /** Linearizes {@code slot} on top of frame {@code depth}, filling in frame {@code depth + 1}. */
    private void apply(int depth, int slot, int after) {
        int next = depth + 1;
        appliedAt[depth] = slot;
        entries.lift(slot);
        supply.linearize(slot);
        prefixes.linearize(slot);
        demand.linearize(slot);
        stateAt[next] = after;
        // The witness names who set the value, not who saw it.
        setterAt[next] = model.isObserver(slot) ? setterAt[depth] : slot;
        if (problem.isDefinite(slot)) {
            Invariant.check(!Bits.get(linearizedDefinite, slot), "slot %d is linearized once", slot);
            Bits.set(linearizedDefinite, slot);
            int frontier = frontierAt[depth];
            frontierAt[next] = slot == frontier ? Bits.nextClear(linearizedDefinite, slot + 1, definiteCount) : frontier;
            definiteMaxAt[next] = Math.max(definiteMaxAt[depth], slot);
            definiteCountAt[next] = definiteCountAt[depth] + 1;
        } else {
            Bits.set(linearizedInfo, slot - definiteCount);
            frontierAt[next] = frontierAt[depth];
            definiteMaxAt[next] = definiteMaxAt[depth];
            definiteCountAt[next] = definiteCountAt[depth];
        }
    }

    /** Takes back the operation applied on top of frame {@code depth}. */
    private void undo(int depth) {
        int slot = appliedAt[depth];
        entries.unlift(slot);
        demand.undo(slot);
        prefixes.undo(slot);
        supply.undo(slot);
        if (problem.isDefinite(slot)) {
            Bits.clear(linearizedDefinite, slot);
        } else {
            Bits.clear(linearizedInfo, slot - definiteCount);
        }
    }

    /** Records frame {@code depth} in the memo; false if it (or a dominating configuration) was there. */
    private boolean memoEnter(int depth) {
        long[] tail = Bits.extract(linearizedDefinite, frontierAt[depth], definiteMaxAt[depth]);
        int state = demand.isIrrelevant(stateAt[depth]) ? ConfigMemo.IRRELEVANT_STATE : stateAt[depth];
        return memo.enter(frontierAt[depth], state, tail, linearizedInfo);
    }

    /** True if a tracker dooms the configuration of frame {@code depth}; notes it as a stopping point. */
    private boolean isDoomed(int depth) {
        int state = stateAt[depth];
        if (supply.doomed(state)) {
            if (isDeepest(depth)) {
                noteDeepest(depth, DeepestPoint.Stop.STARVED, supply.doomedSlot(state));
            }
            return true;
        }
        if (prefixes.doomed(state)) {
            if (isDeepest(depth)) {
                noteDeepest(depth, DeepestPoint.Stop.PREFIX_LOST, prefixes.doomedSlot(state));
            }
            return true;
        }
        return false;
    }

    /** Prepares frame {@code depth}, which no tracker dooms: its candidates, and the deepest point. */
    private void enter(int depth) {
        collector.collect(stateAt[depth]);
        int count = collector.count();
        int[] frame = candidatesAt[depth];
        if (frame == null || frame.length < count) {
            frame = candidatesAt[depth] = new int[Math.max(count, 8)];
        }
        System.arraycopy(collector.candidates(), 0, frame, 0, count);
        candidateCountAt[depth] = count;
        cursorAt[depth] = 0;
        if (isDeepest(depth)) {
            int doomedSlot = collector.doomedSlot();
            if (doomedSlot >= 0) {
                noteDeepest(depth, DeepestPoint.Stop.PREFIX_LOST, doomedSlot);
            } else {
                noteDeepest(depth, DeepestPoint.Stop.EXHAUSTED, frontierAt[depth]);
            }
        }
    }

    /** True if frame {@code depth} linearizes more definite operations than any configuration before. */
    private boolean isDeepest(int depth) {
        return deepest == null || definiteCountAt[depth] > deepest.definiteLinearized();
    }

    /** Remembers frame {@code depth}, the deepest so far, with why it stops and the operation that blocks it. */
    private void noteDeepest(int depth, DeepestPoint.Stop stop, int blockingSlot) {
        Invariant.check(isDeepest(depth), "only a deeper configuration replaces the deepest");
        Invariant.check(blockingSlot >= 0, "a stopping point names its blocking operation");
        int[] candidates = stop == DeepestPoint.Stop.EXHAUSTED ? Arrays.copyOf(candidatesAt[depth], candidateCountAt[depth]) : new int[0];
        deepest = new DeepestPoint(definiteCountAt[depth], stateAt[depth], setterAt[depth], blockingSlot, stop, candidates,
                linearizedDefinite.clone(), linearizedInfo.clone());
    }
}
