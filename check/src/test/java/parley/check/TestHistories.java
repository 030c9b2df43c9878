package parley.check;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Locates the shared test histories and their known verdicts. */
final class TestHistories {
    /**
     * The data lives at {@code ../shared/testdata/histories} relative to the repository root;
     * surefire runs with the module directory as working directory, one level further down.
     */
    static final Path DIRECTORY = Path.of("../../shared/testdata/histories");

    private TestHistories() {}

    static Path directory() {
        if (!Files.isDirectory(DIRECTORY)) {
            fail("test histories not found at " + DIRECTORY.toAbsolutePath().normalize()
                    + " (expected ../shared/testdata/histories next to the repository root; run the tests from the module directory)");
        }
        return DIRECTORY;
    }

    static Path file(String stem) {
        return directory().resolve(stem + ".jsonl");
    }

    /** File stem to verdict, from verdicts.tsv, in file order. */
    static Map<String, Verdict> verdicts() {
        Map<String, Verdict> verdicts = new LinkedHashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(directory().resolve("verdicts.tsv"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            String[] fields = line.split("\t");
            Verdict verdict = switch (fields[1].trim()) {
                case "linearizable" -> Verdict.LINEARIZABLE;
                case "not-linearizable" -> Verdict.NOT_LINEARIZABLE;
                default -> throw new IllegalStateException("unknown verdict in verdicts.tsv: " + line);
            };
            verdicts.put(fields[0].trim(), verdict);
        }
        return verdicts;
    }

    static History read(String stem) {
        try {
            return HistoryReader.read(file(stem));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (HistoryFormatException e) {
            throw new AssertionError("test history is malformed: " + e.getMessage(), e);
        }
    }
}
