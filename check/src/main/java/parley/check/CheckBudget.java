package parley.check;

/**
 * How much a check may spend before answering {@link Verdict#UNKNOWN}: the search is exponential in
 * the worst case, and a checker that hangs or dies of {@code OutOfMemoryError} tells nobody anything.
 *
 * @param timeBudgetMs wall-clock budget for one history (all keys together)
 * @param memoryBudgetEntries most memoized search states one key may hold at a time (roughly
 *     150 bytes each, so the default needs a heap of about a gigabyte)
 */
public record CheckBudget(long timeBudgetMs, long memoryBudgetEntries) {
    /** One minute and five million states: matches the CLI's defaults. */
    public static final CheckBudget DEFAULT = new CheckBudget(60_000, 5_000_000);

    public CheckBudget {
        if (timeBudgetMs <= 0) {
            throw new IllegalArgumentException("time budget must be positive, got " + timeBudgetMs + " ms");
        }
        if (memoryBudgetEntries <= 0) {
            throw new IllegalArgumentException("memory budget must be positive, got " + memoryBudgetEntries + " entries");
        }
    }

    /** The time budget in nanoseconds, saturated so that adding it to a clock reading cannot overflow twice. */
    long timeBudgetNs() {
        return timeBudgetMs >= Long.MAX_VALUE / 2_000_000 ? Long.MAX_VALUE / 2 : timeBudgetMs * 1_000_000;
    }
}
