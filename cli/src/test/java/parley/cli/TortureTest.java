package parley.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import parley.torture.Netem;

/**
 * {@code parley torture} end to end against real server processes: a bounded run of the shipped server
 * under every standard fault must pass every check; the same kind of run against a server with a planted
 * bug (test code: {@link PlantedBugServer}) must fail; user mistakes end in one line and exit 2.
 */
class TortureTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aBoundedRunOfTheRealServerUnderEveryFaultPassesEveryCheck(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        int exit = Main.execute("torture", "--duration-s", "60", "--seed", "20250101", "--fault-interval-ms", "3000",
                "--out", out.toString());
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals(0, exit, () -> "the run should be valid: " + summary.toPrettyString());
        assertEquals("linearizable", summary.path("linearizability").path("verdict").asText());
        assertTrue(summary.path("watches").path("passed").asBoolean());
        assertTrue(summary.path("replicas").path("passed").asBoolean());
        assertTrue(summary.path("operations").path("ok").asLong() > 1_000, "clients got work done: " + summary.path("operations"));
        Set<String> fired = new HashSet<>();
        summary.path("faults").forEach(f -> fired.add(f.path("kind").asText()));
        assertTrue(fired.size() >= 6, "the seeded schedule fires many kinds of faults: " + fired);
        String html = Files.readString(out.resolve("report.html"), StandardCharsets.UTF_8);
        assertTrue(html.contains("valid (exit 0)") && !html.contains("src=\"http"), "a self-contained report with the verdict");
    }

    @Test
    void aLeaderThatAcknowledgesBeforeAQuorumHasTheWriteFailsTheRun(@TempDir Path dir) throws Exception {
        // Isolating the leader over and over: the buggy leader keeps acknowledging writes on its own word
        // while the majority elects another leader and never sees them. Real processes on a loaded machine
        // time the faults differently from run to run, so the bug has two seeded runs to show itself.
        Path out = null;
        int exit = -1;
        JsonNode summary = null;
        for (String seed : new String[] {"7", "8"}) {
            out = dir.resolve("run-" + seed);
            exit = Main.execute("torture", "--planted-bug", "--duration-s", "20", "--seed", seed, "--faults", "isolate-leader",
                    "--fault-interval-ms", "3000", "--fault-duration-ms", "2000", "--out", out.toString());
            summary = JSON.readTree(out.resolve("summary.json").toFile());
            if (exit == 1) break;
        }
        JsonNode finalSummary = summary;
        assertEquals(1, exit, () -> "the planted bug must fail the run: " + finalSummary.toPrettyString());
        assertEquals("not-linearizable", finalSummary.path("linearizability").path("verdict").asText(),
                () -> "the checker itself must catch it: " + finalSummary.path("linearizability"));
        assertTrue(finalSummary.path("linearizability").has("witness"));
        assertTrue(Files.readString(out.resolve("report.html")).contains("witness"));
    }

    @Test
    void realPacketLossInANetworkNamespaceStillPasses(@TempDir Path dir) throws Exception {
        assumeTrue(Netem.available(), "this machine does not allow unshare -n with tc netem; skipped");
        Path out = dir.resolve("run");
        int exit = Main.execute("torture", "--netns", "--duration-s", "15", "--seed", "3", "--faults", "netem,kill",
                "--fault-interval-ms", "3000", "--out", out.toString());
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals(0, exit, () -> summary.toPrettyString());
        boolean netemFired = false;
        for (JsonNode f : summary.path("faults")) netemFired |= f.path("kind").asText().equals("netem");
        assertTrue(netemFired, "netem was injected: " + summary.path("faults"));
    }

    @Test
    void mistakesAreOneLineAndExitTwo(@TempDir Path dir) throws Exception {
        assertUsage("--faults: unknown fault 'meteor'", "torture", "--faults", "kill,meteor", "--out", dir.resolve("a").toString());
        assertUsage("nodes must be in [1, 9], got 0", "torture", "--nodes", "0", "--out", dir.resolve("b").toString());
        assertUsage("only allowed with --netns", "torture", "--faults", "netem", "--out", dir.resolve("c").toString());
        assertUsage("shorter than the interval", "torture", "--fault-interval-ms", "1000", "--fault-duration-ms", "1000",
                "--out", dir.resolve("d").toString());
        Files.createDirectories(dir.resolve("full"));
        Files.writeString(dir.resolve("full").resolve("x"), "x");
        assertUsage("is not empty", "torture", "--out", dir.resolve("full").toString());
    }

    private static void assertUsage(String expected, String... args) {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = Main.execute(args);
        } finally {
            System.setErr(err);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        assertEquals(2, exit, text);
        assertTrue(text.contains(expected), "expected '" + expected + "' in: " + text);
        assertTrue(!text.contains("\tat "), "no stack trace: " + text);
        assertEquals(1, text.strip().lines().count(), "one line: " + text);
    }
}
