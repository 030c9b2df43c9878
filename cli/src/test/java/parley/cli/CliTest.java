package parley.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line as a user meets it: exit codes, one-line errors, no stack traces. */
class CliTest {
    private static final Path HISTORIES = Path.of("../../shared/testdata/histories");

    record Result(int exitCode, String out, String err) {}

    static synchronized Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "sim --nodes 0", "sim --nodes 100", "sim --ops -1", "sim --clients 0", "sim --seeds 5..1", "sim --seeds x",
        "sim --faults bogus", "sim --no-such-flag", "sim --nodes five", "sim --trace --seeds 1..2",
        "sim --read-percent 90 --cas-percent 20", "sim --fault-interval-ms 0", "check", "check --time-budget-ms 0 x.jsonl",
        "no-such-command"
    })
    void badInputIsOneClearLineAndExitTwo(String args) {
        Result result = run(args.split(" "));
        assertEquals(2, result.exitCode(), result.toString());
        String[] lines = result.err().strip().split("\n");
        assertTrue(lines[0].startsWith("parley: error: "), result.err());
        assertFalse(result.err().contains("Exception") || result.err().contains("\tat "), "no stack traces: " + result.err());
        assertTrue(lines.length == 1, "one line: " + result.err());
    }

    @Test
    void devSaysWhichPortIsInTheWayInsteadOfTakingAnotherClusterForItsOwn(@TempDir Path dir) throws IOException {
        // Base ports below the ephemeral range, drawn so that none of the nine is in use; then one is taken.
        int base = 20_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(0, 90) * 100;
        try (java.net.ServerSocket taken = new java.net.ServerSocket(base + 100 + 1, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            Result result = run("dev", "--base-port", Integer.toString(base), "--data-dir", dir.toString());
            assertEquals(2, result.exitCode(), result.toString());
            assertEquals("parley: error: port " + (base + 101) + " (node 2's peer port) is in use by another process (another parley dev,"
                    + " an etcd?): stop it, or choose other ports with --base-port", result.err().strip());
        }
    }

    @Test
    void malformedHistoryNamesFileAndLine(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"process\": 0, \"type\": \"invoke\", \"f\": \"read\", \"key\": \"r\", \"value\": null}\n{not json\n");
        Result result = run("check", bad.toString());
        assertEquals(2, result.exitCode(), result.toString());
        assertTrue(result.err().contains("bad.jsonl:2"), result.err());
        Result missing = run("check", dir.resolve("missing.jsonl").toString());
        assertEquals(2, missing.exitCode(), missing.toString());
        assertFalse(missing.err().contains("\tat "), missing.err());
    }

    @Test
    void checkReportsVerdictsAndExitCodes() {
        Result good = run("check", HISTORIES.resolve("etcd_002.jsonl").toString());
        assertEquals(0, good.exitCode(), good.toString());
        assertTrue(good.out().contains("linearizable"), good.out());
        Result bad = run("check", "--json", HISTORIES.resolve("etcd_000.jsonl").toString(), HISTORIES.resolve("etcd_002.jsonl").toString());
        assertEquals(1, bad.exitCode(), bad.toString());
        assertTrue(bad.out().contains("\"verdict\":\"not-linearizable\"") || bad.out().contains("\"verdict\": \"not-linearizable\""), bad.out());
    }

    @Test
    void simRunsAndPassesWithoutFaults(@TempDir Path dir) {
        Result result = run("sim", "--seeds", "1..2", "--ops", "100", "--faults", "none", "--save-history", dir.toString());
        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.out().contains("2 seed(s): 2 passed, 0 failed"), result.out());
    }

    @Test
    void replayPrintsTheTimeline(@TempDir Path dir) throws IOException {
        Path trace = dir.resolve("trace.txt");
        Result result = run("sim", "--seeds", "3", "--ops", "100", "--trace-file", trace.toString());
        assertEquals(0, result.exitCode(), result.toString());
        String timeline = Files.readString(trace);
        assertTrue(timeline.contains("believes LEADER"), "the timeline shows who believed it led");
        assertTrue(timeline.contains("AppendEntries"), "the timeline shows messages");
        assertTrue(timeline.contains("verdict PASS"), "the timeline ends with the verdict");
    }
}
