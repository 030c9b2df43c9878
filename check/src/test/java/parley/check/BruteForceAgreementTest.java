package parley.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The checker agrees with a brute-force search on small arbitrary histories. This is the test that
 * guards the search's shortcuts (forced observers, starvation, skipped unknown outcomes, dominance
 * in the memo): each is argued exact in its Javadoc, and here the argument meets counterexamples.
 */
class BruteForceAgreementTest {

    @Property(tries = 3000)
    void agreesOnRegisters(@ForAll long seed, @ForAll @IntRange(min = 1, max = 10) int operations) {
        assertAgrees(SmallRandomHistories.generate(seed, operations, false));
    }

    @Property(tries = 1000)
    void agreesOnAppendRegisters(@ForAll long seed, @ForAll @IntRange(min = 1, max = 10) int operations) {
        assertAgrees(SmallRandomHistories.generate(seed, operations, true));
    }

    /**
     * Recorded histories with unique values (where starvation and the overwrite rule bite hardest),
     * some reads then given a random value that was written at some point: often still linearizable,
     * often not.
     */
    @Property(tries = 2000)
    void agreesOnRecordedHistoriesWithRandomReads(@ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        RandomHistoryGenerator.Config config = new RandomHistoryGenerator.Config(1 + random.nextInt(5), 1 + random.nextInt(14), 1,
                40, 20, random.nextBoolean() ? 0 : 20, random.nextInt(40), 50, 10, 2 + random.nextInt(50), random.nextInt(30));
        List<RandomHistoryGenerator.GeneratedOp> ops = RandomHistoryGenerator.generate(config, seed);
        List<Value> written = new ArrayList<>(List.of(Value.NULL));
        for (RandomHistoryGenerator.GeneratedOp op : ops) {
            if (op.action != Action.READ) {
                written.add(op.input instanceof Value.Pair pair ? pair.replacement() : op.input);
            }
        }
        List<RandomHistoryGenerator.GeneratedOp> reads = ops.stream().filter(op -> op.action == Action.READ && op.outcome == Outcome.OK).toList();
        for (int mutations = random.nextInt(3); mutations > 0 && !reads.isEmpty(); mutations--) {
            reads.get(random.nextInt(reads.size())).output = written.get(random.nextInt(written.size()));
        }
        assertAgrees(RandomHistoryGenerator.parse(RandomHistoryGenerator.render(ops), "random-reads-" + seed));
    }

    private static void assertAgrees(History history) {
        boolean expected = BruteForceChecker.isLinearizable(history);
        CheckResult result = new LinearizabilityChecker(new CheckBudget(10_000, 1_000_000)).check(history);
        assertEquals(expected ? Verdict.LINEARIZABLE : Verdict.NOT_LINEARIZABLE, result.verdict(),
                () -> history.operations().stream().map(Operation::describe).collect(Collectors.joining("\n  ", "history:\n  ", "")));
    }
}
