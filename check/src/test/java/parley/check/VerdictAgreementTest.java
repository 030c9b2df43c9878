package parley.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The checker agrees with every known verdict of the shared Jepsen, Horn and Porcupine histories. */
class VerdictAgreementTest {
    static Stream<Arguments> knownVerdicts() {
        return TestHistories.verdicts().entrySet().stream().map(entry -> Arguments.of(entry.getKey(), entry.getValue()));
    }

    @ParameterizedTest(name = "{0} is {1}")
    @MethodSource("knownVerdicts")
    void agreesWithKnownVerdict(String stem, Verdict expected) {
        History history = TestHistories.read(stem);
        CheckResult result = new LinearizabilityChecker(new CheckBudget(10_000, 5_000_000)).check(history);
        assertEquals(expected, result.verdict(), () -> stem + ": " + String.join("\n", CheckReport.humanLines(result)));
        if (expected == Verdict.NOT_LINEARIZABLE) {
            assertNotNull(result.witness(), "a violation comes with a witness");
            assertTrue(result.witness().lines().size() <= 10, "witnesses stay short: " + result.witness().describe());
        }
    }

    @Test
    void everyHistoryFileHasAKnownVerdict() throws IOException {
        Set<String> known = TestHistories.verdicts().keySet();
        List<String> stems;
        try (Stream<Path> files = Files.list(TestHistories.directory())) {
            stems = files.map(path -> path.getFileName().toString()).filter(name -> name.endsWith(".jsonl"))
                    .map(name -> name.substring(0, name.length() - ".jsonl".length())).sorted().toList();
        }
        assertEquals(Set.copyOf(stems), known, "verdicts.tsv and the .jsonl files list the same histories");
    }
}
