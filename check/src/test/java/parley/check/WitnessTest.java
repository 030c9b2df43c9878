package parley.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Witnesses are small and name the operations that explain the violation. */
class WitnessTest {

    private static CheckResult check(History history) {
        return new LinearizabilityChecker(CheckBudget.DEFAULT).check(history);
    }

    @Test
    void kvSingleClientStaleRead() {
        CheckResult result = check(TestHistories.read("kv_c01_bad"));
        assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict());
        Witness witness = result.witness();
        assertEquals("7", witness.key());
        assertTrue(witness.impossible(), "a read of an overwritten value fails in every order");
        Operation read = witness.blocking().operation();
        assertEquals(Action.READ, read.action());
        assertEquals(Value.of("x 0 0 y"), read.output());
        assertEquals(59, read.invokeLine());
        assertEquals(60, read.completeLine());
        assertEquals(1, witness.sources().size());
        Operation append = witness.sources().get(0).operation();
        assertEquals(Value.of("x 0 0 y"), append.input());
        assertEquals(37, append.invokeLine());
        assertTrue(witness.sources().get(0).note().contains("append \"x 0 3 y\" [process 0, lines 55..56]"), witness.sources().get(0).note());
        assertEquals(List.of(read, append), witness.operations());
        assertEquals(List.of(
                "key \"7\": read -> \"x 0 0 y\" [process 0, lines 59..60] can never take effect: every operation that writes \"x 0 0 y\""
                        + " is superseded before it begins, or begins after it returns:",
                "  append \"x 0 0 y\" [process 0, lines 37..38] was superseded before it began, by append \"x 0 3 y\" [process 0, lines 55..56]"),
                witness.lines());
        assertEquals(String.join("\n", witness.lines()), witness.describe());
    }

    @Test
    void searchWitnessNamesThePrefixStateAndBlockingOperation() {
        CheckResult result = check(TestHistories.read("etcd_001"));
        Witness witness = result.witness();
        assertFalse(witness.impossible());
        assertTrue(witness.linearizedOps() > 0 && witness.linearizedOps() < witness.completedOps());
        String text = witness.describe();
        assertTrue(text.startsWith("key \"r\": every order fails; the furthest one linearizes " + witness.linearizedOps() + " of "), text);
        assertTrue(text.contains("leaving the value " + witness.state()), text);
        assertTrue(text.contains(witness.blocking().operation().describe()), text);
        assertTrue(witness.lines().size() <= 8, text);
    }

    @Test
    void readOfAValueNeverWritten() {
        RandomHistoryGenerator.Config config = new RandomHistoryGenerator.Config(5, 100, 1, 50, 10, 0, 0, 0, 0, 100, 100);
        List<RandomHistoryGenerator.GeneratedOp> ops = RandomHistoryGenerator.generate(config, 3);
        RandomHistoryGenerator.GeneratedOp read = RandomHistoryGenerator.mutateReadNeverWritten(ops, new SplittableRandom(3));
        CheckResult result = check(RandomHistoryGenerator.parse(RandomHistoryGenerator.render(ops), "never"));
        Witness witness = result.witness();
        assertEquals(read.output, witness.blocking().operation().output());
        assertEquals(List.of("key \"k0\": " + witness.blocking().operation().describe() + " can never take effect: no operation on this key ever writes "
                + read.output), witness.lines());
    }
}
