package parley.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Rule-by-rule tests of the register model and the meaning of outcomes, on histories small enough to
 * reason about by hand. Each history is written as a script of events, one per line:
 * {@code "1 invoke write 5"}, {@code "1 ok write 5"}, {@code "2 ok read 5"}, {@code "3 invoke cas 1 2"}.
 */
class LinearizabilityCheckerTest {

    private static History script(String... events) {
        List<String> lines = new ArrayList<>();
        for (String event : events) {
            String key = "k";
            String body = event;
            int at = event.indexOf(" @");
            if (at >= 0) {
                key = event.substring(at + 2);
                body = event.substring(0, at);
            }
            String[] word = body.split(" ");
            String value = switch (word[2]) {
                case "cas" -> "[" + word[3] + ", " + word[4] + "]";
                case "read" -> word.length > 3 ? word[3] : "null";
                default -> word[3];
            };
            lines.add("{\"process\": " + word[0] + ", \"type\": \"" + word[1] + "\", \"f\": \"" + word[2] + "\", \"key\": \"" + key
                    + "\", \"value\": " + value + "}");
        }
        try {
            return HistoryReader.read(new StringReader(String.join("\n", lines)), "script");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static CheckResult check(String... events) {
        return new LinearizabilityChecker(new CheckBudget(5_000, 100_000)).check(script(events));
    }

    private static void assertVerdict(Verdict expected, String... events) {
        CheckResult result = check(events);
        assertEquals(expected, result.verdict(), () -> String.join("\n", CheckReport.humanLines(result)));
    }

    @Test
    void emptyHistoryIsLinearizable() {
        CheckResult result = check();
        assertEquals(Verdict.LINEARIZABLE, result.verdict());
        assertEquals(0, result.ops());
        assertNull(result.witness());
    }

    @Test
    void registerStartsAbsent() {
        assertVerdict(Verdict.LINEARIZABLE, "1 invoke read", "1 ok read null");
        assertVerdict(Verdict.NOT_LINEARIZABLE, "1 invoke read", "1 ok read 0");
    }

    @Test
    void sequentialReadSeesTheLastWrite() {
        assertVerdict(Verdict.LINEARIZABLE, "1 invoke write 1", "1 ok write 1", "1 invoke write 2", "1 ok write 2", "2 invoke read", "2 ok read 2");
        assertVerdict(Verdict.NOT_LINEARIZABLE, "1 invoke write 1", "1 ok write 1", "1 invoke write 2", "1 ok write 2", "2 invoke read", "2 ok read 1");
    }

    @Test
    void concurrentReadMaySeeEitherValue() {
        for (String seen : List.of("null", "1")) {
            assertVerdict(Verdict.LINEARIZABLE, "1 invoke write 1", "2 invoke read", "2 ok read " + seen, "1 ok write 1");
        }
    }

    @Test
    void numbersAndStringsDiffer() {
        assertVerdict(Verdict.NOT_LINEARIZABLE, "1 invoke write 1", "1 ok write 1", "2 invoke read", "2 ok read \"1\"");
    }

    @Test
    void okCasNeedsTheExpectedValue() {
        assertVerdict(Verdict.LINEARIZABLE, "1 invoke write 1", "1 ok write 1", "1 invoke cas 1 2", "1 ok cas 1 2", "2 invoke read", "2 ok read 2");
        assertVerdict(Verdict.NOT_LINEARIZABLE, "1 invoke write 3", "1 ok write 3", "1 invoke cas 1 2", "1 ok cas 1 2");
    }

    @Test
    void failedCasSaysTheValueWasNotTheExpectedOne() {
        // The value is 1 for the whole life of the failed cas: it cannot have failed.
        assertVerdict(Verdict.NOT_LINEARIZABLE, "1 invoke write 1", "1 ok write 1", "2 invoke cas 1 2", "2 fail cas 1 2");
        // A concurrent write lets it fail before the value becomes 1.
        assertVerdict(Verdict.LINEARIZABLE, "1 invoke write 1", "2 invoke cas 1 2", "2 fail cas 1 2", "1 ok write 1");
        // And it took no effect.
        assertVerdict(Verdict.NOT_LINEARIZABLE, "2 invoke cas null 2", "2 fail cas null 2");
    }

    @Test
    void failedWriteNeverTookEffect() {
        assertVerdict(Verdict.NOT_LINEARIZABLE, "1 invoke write 1", "1 fail write 1", "2 invoke read", "2 ok read 1");
        assertVerdict(Verdict.LINEARIZABLE, "1 invoke write 1", "1 fail write 1", "2 invoke read", "2 ok read null");
    }

    @Test
    void unknownWriteMayTakeEffectAnyTimeOrNever() {
        String[] start = {"1 invoke write 1", "1 info write 1", "2 invoke write 2", "2 ok write 2"};
        for (String seen : List.of("1", "2")) {
            List<String> events = new ArrayList<>(List.of(start));
            events.addAll(List.of("3 invoke read", "3 ok read " + seen));
            // Seeing 1 after 2 was written means the unknown write took effect late: allowed.
            assertVerdict(Verdict.LINEARIZABLE, events.toArray(String[]::new));
        }
    }

    @Test
    void unknownWriteTakesEffectOnceOnly() {
        assertVerdict(Verdict.NOT_LINEARIZABLE, "1 invoke write 1", "1 info write 1", "2 invoke write 2", "2 ok write 2",
                "3 invoke read", "3 ok read 1", "3 invoke write 3", "3 ok write 3", "3 invoke read", "3 ok read 1");
    }

    @Test
    void unfinishedInvocationCountsAsUnknown() {
        assertVerdict(Verdict.LINEARIZABLE, "1 invoke write 1", "2 invoke read", "2 ok read 1");
        assertVerdict(Verdict.LINEARIZABLE, "1 invoke write 1", "2 invoke read", "2 ok read null");
    }

    @Test
    void unknownReadConstrainsNothing() {
        assertVerdict(Verdict.LINEARIZABLE, "1 invoke read", "1 info read 7");
    }

    @Test
    void unknownCasOnlyTakesEffectOnItsExpectedValue() {
        assertVerdict(Verdict.LINEARIZABLE, "1 invoke write 1", "1 ok write 1", "2 invoke cas 1 2", "2 info cas 1 2", "3 invoke read", "3 ok read 2");
        assertVerdict(Verdict.NOT_LINEARIZABLE, "1 invoke write 5", "1 ok write 5", "2 invoke cas 1 2", "2 info cas 1 2", "3 invoke read", "3 ok read 2");
    }

    @Test
    void appendExtendsTheValue() {
        assertVerdict(Verdict.LINEARIZABLE, "1 invoke append \"a\"", "1 ok append \"a\"", "1 invoke append \"b\"", "1 ok append \"b\"",
                "2 invoke read", "2 ok read \"ab\"");
        assertVerdict(Verdict.NOT_LINEARIZABLE, "1 invoke append \"a\"", "1 ok append \"a\"", "1 invoke append \"b\"", "1 ok append \"b\"",
                "2 invoke read", "2 ok read \"ba\"");
        assertVerdict(Verdict.LINEARIZABLE, "1 invoke write 12", "1 ok write 12", "1 invoke append \"x\"", "1 ok append \"x\"",
                "2 invoke read", "2 ok read \"12x\"");
    }

    @Test
    void keysAreIndependentAndOneBadKeyDecides() {
        assertVerdict(Verdict.LINEARIZABLE, "1 invoke write 1 @a", "1 ok write 1 @a", "2 invoke read @b", "2 ok read null @b");
        CheckResult result = check("1 invoke write 1 @a", "1 ok write 1 @a", "2 invoke read @a", "2 ok read 1 @a",
                "2 invoke read @b", "2 ok read 1 @b");
        assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict());
        assertNotNull(result.witness());
        assertEquals("b", result.witness().key());
    }

    @Test
    void countsOperationsNotLines() {
        assertEquals(3, check("1 invoke write 1", "2 invoke read", "1 ok write 1", "2 ok read 1", "3 invoke read").ops());
    }
}
