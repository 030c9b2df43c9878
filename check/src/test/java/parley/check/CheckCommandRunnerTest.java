package parley.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command's behaviour: one report per file, JSON mode, errors that name file and line, exit codes. */
class CheckCommandRunnerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Output, errors and exit code of one run. */
    private record Run(int exitCode, List<String> out, List<String> err) {}

    private static Run run(List<String> files, boolean json, CheckBudget budget, String stdin) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        InputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        int code = CheckCommandRunner.run(files, json, budget, in, System::nanoTime,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8).lines().toList(), err.toString(StandardCharsets.UTF_8).lines().toList());
    }

    private static Run run(List<String> files, boolean json) {
        return run(files, json, CheckBudget.DEFAULT, "");
    }

    private static String data(String stem) {
        return TestHistories.file(stem).toString();
    }

    @Test
    void allLinearizableExitsZero() {
        Run run = run(List.of(data("etcd_002"), data("kv_c01_ok")), false);
        assertEquals(0, run.exitCode());
        assertEquals(2, run.out().size());
        assertTrue(run.out().get(0).matches(".*etcd_002\\.jsonl: linearizable \\(77 ops, \\d+ ms\\)"), run.out().get(0));
        assertTrue(run.err().isEmpty());
    }

    @Test
    void humanReportIndentsTheWitness() {
        Run run = run(List.of(data("kv_c01_bad"), data("kv_c01_ok")), false);
        assertEquals(1, run.exitCode());
        assertTrue(run.out().get(0).matches(".*kv_c01_bad\\.jsonl: not-linearizable \\(38 ops, \\d+ ms\\)"), run.out().get(0));
        assertTrue(run.out().get(1).startsWith("  key \"7\": read -> \"x 0 0 y\""), run.out().get(1));
        assertTrue(run.out().get(2).startsWith("    append \"x 0 0 y\""), run.out().get(2));
        assertTrue(run.out().get(3).contains("kv_c01_ok.jsonl: linearizable"), run.out().get(3));
    }

    @Test
    void jsonReportIsOneObjectPerFile() throws Exception {
        Run run = run(List.of(data("etcd_000"), data("etcd_002")), true);
        assertEquals(1, run.exitCode());
        assertEquals(2, run.out().size());
        JsonNode bad = JSON.readTree(run.out().get(0));
        assertEquals(List.of("file", "verdict", "ops", "ms", "witness"), fieldNames(bad));
        assertEquals(data("etcd_000"), bad.get("file").asText());
        assertEquals("not-linearizable", bad.get("verdict").asText());
        assertEquals(85, bad.get("ops").asInt());
        assertTrue(bad.get("ms").isIntegralNumber());
        assertEquals("r", bad.get("witness").get("key").asText());
        assertTrue(bad.get("witness").get("description").get(0).asText().startsWith("key \"r\""));
        JsonNode good = JSON.readTree(run.out().get(1));
        assertEquals(List.of("file", "verdict", "ops", "ms"), fieldNames(good));
        assertEquals("linearizable", good.get("verdict").asText());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    @Test
    void malformedFileIsReportedAndTheOthersStillChecked(@TempDir Path directory) throws Exception {
        Path broken = directory.resolve("broken.jsonl");
        Files.writeString(broken, "{\"process\": 0, \"type\": \"invoke\", \"f\": \"read\", \"key\": \"k\", \"value\": null}\n{oops\n");
        Run run = run(List.of(data("kv_c01_bad"), broken.toString(), data("etcd_002")), false);
        assertEquals(2, run.exitCode(), "malformed input wins over a violation");
        assertEquals(1, run.err().size());
        assertTrue(run.err().get(0).startsWith("error: " + broken + ":2: bad JSON"), run.err().get(0));
        assertTrue(run.out().stream().anyMatch(line -> line.contains("kv_c01_bad.jsonl: not-linearizable")));
        assertTrue(run.out().stream().anyMatch(line -> line.contains("etcd_002.jsonl: linearizable")));
        assertFalse(run.out().stream().anyMatch(line -> line.contains("broken")));
    }

    @Test
    void missingFileIsAnError() {
        Run run = run(List.of("no/such/file.jsonl"), false);
        assertEquals(2, run.exitCode());
        assertEquals(List.of("error: no/such/file.jsonl: no such file"), run.err());
    }

    @Test
    void dashReadsStandardInput() throws Exception {
        String text = Files.readString(TestHistories.file("kv_c01_ok"));
        Run run = run(List.of("-"), false, CheckBudget.DEFAULT, text);
        assertEquals(0, run.exitCode());
        assertTrue(run.out().get(0).startsWith("<stdin>: linearizable (58 ops,"), run.out().get(0));
        Run broken = run(List.of("-"), false, CheckBudget.DEFAULT, text + "{\"process\": 99, \"type\": \"ok\", \"f\": \"read\", \"key\": \"k\", \"value\": 1}\n");
        assertEquals(2, broken.exitCode());
        assertTrue(broken.err().get(0).startsWith("error: <stdin>:117: ok read completes nothing"), broken.err().get(0));
    }

    @Test
    void unknownExitsThreeUnlessSomethingIsNotLinearizable() {
        String hard = RandomHistoryGenerator.render(RandomHistoryGenerator.generate(GeneratedHistoryTest.BUSY_REGISTER, 1));
        CheckBudget tiny = new CheckBudget(60_000, 10);
        Run unknown = run(List.of("-", data("etcd_005")), false, tiny, hard);
        assertEquals(3, unknown.exitCode());
        assertTrue(unknown.out().get(0).startsWith("<stdin>: unknown (4000 ops,"), unknown.out().get(0));
        Run mixed = run(List.of("-", data("kv_c01_bad")), true, tiny, hard);
        assertEquals(1, mixed.exitCode());
        assertTrue(mixed.out().get(0).contains("\"verdict\":\"unknown\""), mixed.out().get(0));
    }

    @Test
    void noFilesIsAnError() {
        Run run = run(List.of(), false);
        assertEquals(2, run.exitCode());
        assertEquals(List.of("error: no history files given"), run.err());
    }

    @Test
    void exitCodePrecedence() {
        CheckResult ok = new CheckResult("a", Verdict.LINEARIZABLE, 1, 0, null);
        CheckResult unknown = new CheckResult("b", Verdict.UNKNOWN, 1, 0, null);
        CheckResult bad = new CheckResult("c", Verdict.NOT_LINEARIZABLE, 1, 0, TestHistoriesWitness.any());
        assertEquals(0, CheckReport.exitCode(List.of(ok), false));
        assertEquals(3, CheckReport.exitCode(List.of(ok, unknown), false));
        assertEquals(1, CheckReport.exitCode(List.of(unknown, bad), false));
        assertEquals(2, CheckReport.exitCode(List.of(ok, bad), true));
        assertEquals(0, CheckReport.exitCode(List.of(), false));
    }

    /** A real witness, for results built by hand. */
    private static final class TestHistoriesWitness {
        static Witness any() {
            return new LinearizabilityChecker(CheckBudget.DEFAULT).check(TestHistories.read("kv_c01_bad")).witness();
        }
    }
}
