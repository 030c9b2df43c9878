package parley.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Parsing histories: the pairing of events into operations, and an error for every malformation. */
class HistoryReaderTest {
    private static final String INVOKE_READ = "{\"process\": 0, \"type\": \"invoke\", \"f\": \"read\", \"key\": \"k\", \"value\": null}";
    private static final String OK_READ = "{\"process\": 0, \"type\": \"ok\", \"f\": \"read\", \"key\": \"k\", \"value\": 1}";

    private static History read(String... lines) throws Exception {
        return HistoryReader.read(new StringReader(String.join("\n", lines) + "\n"), "h.jsonl");
    }

    private static HistoryFormatException failure(String... lines) {
        return assertThrows(HistoryFormatException.class, () -> read(lines));
    }

    @Test
    void pairsInvokesWithCompletions() throws Exception {
        History history = read(
                "{\"process\": 1, \"type\": \"invoke\", \"f\": \"write\", \"key\": \"k\", \"value\": 1, \"time\": 10}",
                INVOKE_READ,
                "{\"process\": 1, \"type\": \"ok\", \"f\": \"write\", \"key\": \"k\", \"value\": 1, \"time\": 30}",
                OK_READ);
        assertEquals(2, history.operations().size());
        Operation write = history.operations().get(0);
        assertEquals(Action.WRITE, write.action());
        assertEquals(Value.of(1), write.input());
        assertEquals(1, write.invokeLine());
        assertEquals(3, write.completeLine());
        assertEquals(10, write.invokeTimeNs());
        assertEquals(30, write.completeTimeNs());
        Operation read = history.operations().get(1);
        assertEquals(Value.of(1), read.output());
        assertEquals(Value.NULL, read.input(), "a read's invoke value carries no meaning");
        assertEquals(Operation.NO_TIME, read.invokeTimeNs());
    }

    @Test
    void numbersAndStringsAreDifferentValues() throws Exception {
        History history = read(INVOKE_READ, OK_READ.replace("\"value\": 1", "\"value\": \"1\""));
        assertEquals(Value.of("1"), history.operations().get(0).output());
        assertNotEquals(Value.of(1), Value.of("1"));
        assertEquals(Value.of(new java.math.BigDecimal("1.0")), Value.of(1), "numbers compare by value, not by spelling");
    }

    @Test
    void unknownOutcomesCompleteAtInfinity() throws Exception {
        History history = read(
                "{\"process\": 1, \"type\": \"invoke\", \"f\": \"cas\", \"key\": \"k\", \"value\": [1, 2]}",
                "{\"process\": 1, \"type\": \"info\", \"f\": \"cas\", \"key\": \"k\", \"value\": [1, 2]}",
                "{\"process\": 2, \"type\": \"invoke\", \"f\": \"write\", \"key\": \"k\", \"value\": 3}");
        assertEquals(2, history.operations().size());
        for (Operation operation : history.operations()) {
            assertEquals(Outcome.INFO, operation.outcome(), operation.describe());
            assertEquals(Operation.UNBOUNDED, operation.completeLine());
            assertEquals(Operation.UNBOUNDED, operation.completeTimeNs());
        }
        assertEquals(Value.pair(Value.of(1), Value.of(2)), history.operations().get(0).input());
    }

    @Test
    void blankLinesAreSkippedButCounted() {
        HistoryFormatException e = failure(INVOKE_READ, "", "not json");
        assertEquals(3, e.line());
    }

    @Test
    void readsFilesAndStandardInput(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("one.jsonl");
        Files.writeString(file, INVOKE_READ + "\n" + OK_READ + "\n");
        History fromFile = HistoryReader.read(file);
        assertEquals(file.toString(), fromFile.name());
        History fromStdin = HistoryReader.read(new ByteArrayInputStream(Files.readAllBytes(file)), HistoryReader.STDIN_NAME);
        assertEquals("<stdin>", fromStdin.name());
        assertEquals(fromFile.operations(), fromStdin.operations());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            bad JSON               | {"process": 0, "type": "invoke"                                                                   | bad JSON
            not an object          | [1, 2]                                                                                            | expected a JSON object
            missing field          | {"process": 0, "type": "invoke", "key": "k", "value": null}                                       | missing field "f"
            missing value          | {"process": 0, "type": "invoke", "f": "read", "key": "k"}                                         | missing field "value"
            unknown field          | {"process": 0, "type": "invoke", "f": "read", "key": "k", "value": null, "extra": 1}              | unknown field "extra"
            duplicate field        | {"process": 0, "type": "invoke", "type": "ok", "f": "read", "key": "k", "value": null}            | bad JSON
            unknown type           | {"process": 0, "type": "done", "f": "read", "key": "k", "value": null}                            | unknown type "done"
            unknown f              | {"process": 0, "type": "invoke", "f": "incr", "key": "k", "value": 1}                             | unknown f "incr"
            process not integer    | {"process": "p0", "type": "invoke", "f": "read", "key": "k", "value": null}                       | "process" must be an integer
            key not a string       | {"process": 0, "type": "invoke", "f": "read", "key": 7, "value": null}                            | "key" must be a string
            cas value not a pair   | {"process": 0, "type": "invoke", "f": "cas", "key": "k", "value": [1]}                            | value of cas must be a 2-element array
            cas value a number     | {"process": 0, "type": "invoke", "f": "cas", "key": "k", "value": 1}                              | value of cas must be a 2-element array
            cas nested array       | {"process": 0, "type": "invoke", "f": "cas", "key": "k", "value": [[1], 2]}                       | cas expected value must be a number, a string or null
            append of a number     | {"process": 0, "type": "invoke", "f": "append", "key": "k", "value": 5}                           | value of append must be a string
            write of an object     | {"process": 0, "type": "invoke", "f": "write", "key": "k", "value": {"a": 1}}                     | value of write must be a number, a string or null
            time not integer       | {"process": 0, "type": "invoke", "f": "read", "key": "k", "value": null, "time": "now"}           | "time" must be an integer
            """)
    void malformedLineIsNamed(String title, String badLine, String reason) {
        HistoryFormatException e = failure(INVOKE_READ, OK_READ, badLine);
        assertEquals("h.jsonl", e.file());
        assertEquals(3, e.line(), title);
        assertTrue(e.reason().contains(reason), () -> title + ": reason was: " + e.reason());
        assertEquals("h.jsonl:3: " + e.reason(), e.getMessage());
    }

    @Test
    void completionWithoutInvoke() {
        HistoryFormatException e = failure(OK_READ);
        assertEquals(1, e.line());
        assertTrue(e.reason().contains("process 0 has no invoke outstanding"), e.reason());
    }

    @Test
    void secondInvokeWhileOutstanding() {
        HistoryFormatException e = failure(INVOKE_READ, INVOKE_READ);
        assertEquals(2, e.line());
        assertTrue(e.reason().contains("still outstanding") && e.reason().contains("line 1"), e.reason());
    }

    @Test
    void completionOfAnotherOperation() {
        HistoryFormatException e = failure(INVOKE_READ, OK_READ.replace("\"key\": \"k\"", "\"key\": \"other\""));
        assertEquals(2, e.line());
        assertTrue(e.reason().contains("does not match the invoke"), e.reason());
    }

    @Test
    void completionWithAnotherArgument() {
        HistoryFormatException e = failure(
                "{\"process\": 0, \"type\": \"invoke\", \"f\": \"write\", \"key\": \"k\", \"value\": 1}",
                "{\"process\": 0, \"type\": \"ok\", \"f\": \"write\", \"key\": \"k\", \"value\": 2}");
        assertEquals(2, e.line());
        assertTrue(e.reason().contains("differs from the invoke's value 1"), e.reason());
    }

    @Test
    void timeGoingBackwards() {
        HistoryFormatException e = failure(
                INVOKE_READ.replace("}", ", \"time\": 50}"),
                OK_READ.replace("}", ", \"time\": 40}"));
        assertEquals(2, e.line());
        assertTrue(e.reason().contains("monotonic"), e.reason());
    }

    @Test
    void everySharedHistoryParsesIntoOneOperationPerInvoke() throws IOException {
        for (String stem : TestHistories.verdicts().keySet()) {
            History history = TestHistories.read(stem);
            long invokes = Files.readAllLines(TestHistories.file(stem), StandardCharsets.UTF_8).stream()
                    .filter(line -> line.contains("\"type\": \"invoke\"")).count();
            assertEquals(invokes, history.operations().size(), stem);
        }
    }
}
