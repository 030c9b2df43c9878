package parley.check;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Decides whether a history is linearizable against the register model of the history format.
 *
 * <p>Linearizability is compositional (Herlihy and Wing): a history is linearizable exactly when
 * its restriction to each key is. So the checker splits the history by key and searches each key
 * on its own with {@link KeySearch}; the first key that has no linearization decides the verdict.
 * A key whose search runs out of budget makes the verdict unknown unless another key fails.
 *
 * <p>Instances are immutable and may be reused; each {@link #check} builds its own search state.
 */
public final class LinearizabilityChecker {
    private final CheckBudget budget;
    private final LongSupplier nanoClock;

    /** A checker with {@code budget}, timing with {@link System#nanoTime()}. */
    public LinearizabilityChecker(CheckBudget budget) {
        this(budget, System::nanoTime);
    }

    /** A checker with {@code budget}, timing with {@code nanoClock} (tests inject a fake clock). */
    public LinearizabilityChecker(CheckBudget budget, LongSupplier nanoClock) {
        this.budget = Objects.requireNonNull(budget, "budget");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /** Checks {@code history}, never taking much longer than the time budget. */
    public CheckResult check(History history) {
        long startNs = nanoClock.getAsLong();
        SearchLimits limits = new SearchLimits(startNs + budget.timeBudgetNs(), nanoClock, budget.memoryBudgetEntries());
        boolean gaveUp = false;
        for (Map.Entry<String, List<Operation>> key : byKey(history.operations()).entrySet()) {
            KeyProblem problem = KeyProblem.of(key.getKey(), key.getValue());
            KeySearch.SearchResult outcome = search(problem, limits);
            switch (outcome) {
                case KeySearch.Linearizable linearizable -> { }
                case KeySearch.GaveUp unknown -> gaveUp = true;
                case KeySearch.NotLinearizable failed -> {
                    Witness witness = WitnessBuilder.build(problem, failed.deepest());
                    return result(history, Verdict.NOT_LINEARIZABLE, startNs, witness);
                }
            }
            if (gaveUp && limits.pastDeadline()) {
                break;
            }
        }
        return result(history, gaveUp ? Verdict.UNKNOWN : Verdict.LINEARIZABLE, startNs, null);
    }

    /**
     * Searches one key. The memory budget counts memoized states, an estimate; if the heap is
     * smaller than the budget assumes, the search's memo is what fills it, and it is garbage the
     * moment this method returns, so running out of memory here is recoverable and means "unknown".
     */
    private static KeySearch.SearchResult search(KeyProblem problem, SearchLimits limits) {
        try {
            return new KeySearch(problem, limits).run();
        } catch (OutOfMemoryError e) {
            return new KeySearch.GaveUp("heap exhausted on key " + JsonText.quote(problem.key()) + "; lower the memory budget");
        }
    }

    private CheckResult result(History history, Verdict verdict, long startNs, Witness witness) {
        long elapsedMs = Math.max(0, (nanoClock.getAsLong() - startNs) / 1_000_000);
        return new CheckResult(history.name(), verdict, history.operations().size(), elapsedMs, witness);
    }

    /** Operations grouped by key, keys in order of first appearance so reports are deterministic. */
    private static Map<String, List<Operation>> byKey(List<Operation> operations) {
        Map<String, List<Operation>> byKey = new LinkedHashMap<>();
        for (Operation operation : operations) {
            byKey.computeIfAbsent(operation.key(), key -> new ArrayList<>()).add(operation);
        }
        return byKey;
    }
}
