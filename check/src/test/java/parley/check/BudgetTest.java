package parley.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/** Budgets turn a search that would take too long or too much memory into a verdict of unknown. */
class BudgetTest {
    /**
     * A hard history: one register, 50 clients with about 40 operations in flight at any time, with
     * appends, cas and crashes all at once; the search needs seconds and millions of steps.
     */
    private static final RandomHistoryGenerator.Config HARD = new RandomHistoryGenerator.Config(
            50, 4_000, 1, 40, 20, 20, 3, 30, 5, 100_000, 20_000);

    /** A clock that advances one millisecond every time it is read: deterministic, and always late. */
    private static LongSupplier tickingClock(AtomicLong reads) {
        return () -> reads.incrementAndGet() * 1_000_000L;
    }

    @Test
    void timeBudgetGivesUnknownDeterministically() {
        History history = RandomHistoryGenerator.history(HARD, 1);
        AtomicLong reads = new AtomicLong();
        CheckResult result = new LinearizabilityChecker(new CheckBudget(20, 100_000_000), tickingClock(reads)).check(history);
        assertEquals(Verdict.UNKNOWN, result.verdict());
        assertNull(result.witness());
        // Start, about 20 deadline checks (one per 1024 steps), and the end: the clock decides, not the machine.
        assertTrue(result.ms() >= 20 && result.ms() <= 25, "ms = " + result.ms());
        CheckResult again = new LinearizabilityChecker(new CheckBudget(20, 100_000_000), tickingClock(new AtomicLong())).check(history);
        assertEquals(result, again, "the same clock gives the same result");
    }

    @Test
    void memoryBudgetGivesUnknown() {
        History history = RandomHistoryGenerator.history(GeneratedHistoryTest.BUSY_REGISTER, 1);
        CheckResult result = new LinearizabilityChecker(new CheckBudget(60_000, 100)).check(history);
        assertEquals(Verdict.UNKNOWN, result.verdict());
    }

    @Test
    void hardHistoryWithRealClockStopsNearTheBudget() {
        // Seed 3 takes the search several seconds on a developer machine: a 50 ms budget is far short.
        History history = RandomHistoryGenerator.history(HARD, 3);
        long startNs = System.nanoTime();
        CheckResult result = new LinearizabilityChecker(new CheckBudget(50, 5_000_000)).check(history);
        long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;
        assertEquals(Verdict.UNKNOWN, result.verdict());
        assertTrue(elapsedMs < 2_000, "a 50 ms budget must not run for " + elapsedMs + " ms");
    }

    @Test
    void violationOnAnotherKeyBeatsUnknown() {
        // Key k0 exhausts the budget; key k1 holds a read of a value never written.
        List<RandomHistoryGenerator.GeneratedOp> ops = new ArrayList<>(RandomHistoryGenerator.generate(HARD, 1));
        RandomHistoryGenerator.Config small = new RandomHistoryGenerator.Config(2, 20, 1, 50, 0, 0, 0, 0, 0, 10, 10);
        List<RandomHistoryGenerator.GeneratedOp> other = RandomHistoryGenerator.generate(small, 5);
        RandomHistoryGenerator.mutateReadNeverWritten(other, new SplittableRandom(5));
        for (RandomHistoryGenerator.GeneratedOp op : other) {
            op.key = "k1";
            op.process += 1_000;
            op.index += ops.size();
            ops.add(op);
        }
        History history = RandomHistoryGenerator.parse(RandomHistoryGenerator.render(ops), "two-keys");
        CheckResult result = new LinearizabilityChecker(new CheckBudget(60_000, 50)).check(history);
        assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict());
        assertEquals("k1", result.witness().key());
    }

    @Test
    void budgetsMustBePositive() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new CheckBudget(0, 1));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new CheckBudget(1, 0));
    }
}
