package parley.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Histories recorded from a simulated register are judged linearizable, and the same histories
 * broken on purpose are judged not; at the scale the simulator produces, in seconds.
 */
class GeneratedHistoryTest {
    /** 50 clients, one register, each client busy about half the time: ~25 operations in flight. */
    static final RandomHistoryGenerator.Config BUSY_REGISTER = new RandomHistoryGenerator.Config(
            50, 4_000, 1, 50, 15, 0, 1, 30, 3, 100_000, 100_000);

    private static final LinearizabilityChecker CHECKER = new LinearizabilityChecker(new CheckBudget(20_000, 5_000_000));

    private static RandomHistoryGenerator.Config randomConfig(SplittableRandom random) {
        int readPercent = random.nextInt(60);
        int casPercent = random.nextInt(25);
        int appendPercent = random.nextInt(2) * random.nextInt(100 - readPercent - casPercent);
        return new RandomHistoryGenerator.Config(1 + random.nextInt(12), 1 + random.nextInt(300), 1 + random.nextInt(3),
                readPercent, casPercent, appendPercent, random.nextInt(8), random.nextInt(101),
                random.nextInt(10), 2 + random.nextInt(1_000), random.nextInt(1_000));
    }

    @Property(tries = 150)
    void recordedHistoriesAreLinearizable(@ForAll long seed) {
        RandomHistoryGenerator.Config config = randomConfig(new SplittableRandom(seed));
        CheckResult result = CHECKER.check(RandomHistoryGenerator.history(config, seed));
        assertEquals(Verdict.LINEARIZABLE, result.verdict(), () -> config + "\n" + String.join("\n", CheckReport.humanLines(result)));
    }

    // Many generated histories offer no place for the mutation (it returns null, the try is discarded):
    // allow for that, or the property fails by chance when a random seed draws too few usable ones.
    @Property(tries = 100, maxDiscardRatio = 100)
    void readOfAValueNeverWrittenIsCaught(@ForAll long seed) {
        assertMutationCaught(seed, RandomHistoryGenerator::mutateReadNeverWritten);
    }

    // Many generated histories offer no place for the mutation (it returns null, the try is discarded):
    // allow for that, or the property fails by chance when a random seed draws too few usable ones.
    @Property(tries = 100, maxDiscardRatio = 100)
    void staleReadIsCaught(@ForAll long seed) {
        assertMutationCaught(seed, RandomHistoryGenerator::mutateStaleRead);
    }

    // Many generated histories offer no place for the mutation (it returns null, the try is discarded):
    // allow for that, or the property fails by chance when a random seed draws too few usable ones.
    @Property(tries = 100, maxDiscardRatio = 100)
    void nonMonotonicReadIsCaught(@ForAll long seed) {
        assertMutationCaught(seed, RandomHistoryGenerator::mutateNonMonotonicRead);
    }

    private static void assertMutationCaught(long seed,
            BiFunction<List<RandomHistoryGenerator.GeneratedOp>, SplittableRandom, RandomHistoryGenerator.GeneratedOp> mutation) {
        SplittableRandom random = new SplittableRandom(seed);
        RandomHistoryGenerator.Config config = randomConfig(random);
        List<RandomHistoryGenerator.GeneratedOp> ops = RandomHistoryGenerator.generate(config, seed);
        RandomHistoryGenerator.GeneratedOp mutated = mutation.apply(ops, random);
        Assume.that(mutated != null);
        CheckResult result = CHECKER.check(RandomHistoryGenerator.parse(RandomHistoryGenerator.render(ops), "mutated-" + seed));
        assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict(), config::toString);
        assertEquals(mutated.key, result.witness().key());
    }

    @Test
    void busyRegisterOf4000OperationsChecksInSeconds() {
        for (long seed = 1; seed <= 3; seed++) {
            History history = RandomHistoryGenerator.history(BUSY_REGISTER, seed);
            CheckResult result = CHECKER.check(history);
            assertEquals(Verdict.LINEARIZABLE, result.verdict());
            assertEquals(4_000, result.ops());
            System.out.println("4000 ops, 50 clients, seed " + seed + ": " + result.ms() + " ms");
        }
    }

    @Test
    void busyRegisterOf4000OperationsWithAViolationIsCaughtInSeconds() {
        List<BiFunction<List<RandomHistoryGenerator.GeneratedOp>, SplittableRandom, RandomHistoryGenerator.GeneratedOp>> mutations = List.of(
                RandomHistoryGenerator::mutateReadNeverWritten, RandomHistoryGenerator::mutateStaleRead, RandomHistoryGenerator::mutateNonMonotonicRead);
        for (var mutation : mutations) {
            List<RandomHistoryGenerator.GeneratedOp> ops = RandomHistoryGenerator.generate(BUSY_REGISTER, 11);
            RandomHistoryGenerator.GeneratedOp mutated = mutation.apply(ops, new SplittableRandom(11));
            CheckResult result = CHECKER.check(RandomHistoryGenerator.parse(RandomHistoryGenerator.render(ops), "mutated"));
            assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict());
            assertEquals(mutated.output, result.witness().blocking().operation().output(), () -> result.witness().describe());
            System.out.println("4000 ops, 50 clients, mutated: " + result.ms() + " ms");
        }
    }

    @Test
    void tenClientKeyValueHistoriesCheckWellUnderASecond() {
        for (String stem : List.of("kv_c10_ok", "kv_c10_bad")) {
            CheckResult result = CHECKER.check(TestHistories.read(stem));
            System.out.println(stem + ": " + result.ms() + " ms");
        }
    }

    /** Appends included: concurrency per key stays moderate because the clients spread over keys. */
    @Property(tries = 20)
    void manyKeysManyClients(@ForAll long seed, @ForAll @IntRange(min = 5, max = 20) int keys) {
        RandomHistoryGenerator.Config config = new RandomHistoryGenerator.Config(50, 2_000, keys, 40, 20, 20, 2, 30, 5, 1_000, 1_000);
        assertEquals(Verdict.LINEARIZABLE, CHECKER.check(RandomHistoryGenerator.history(config, seed)).verdict());
    }
}
