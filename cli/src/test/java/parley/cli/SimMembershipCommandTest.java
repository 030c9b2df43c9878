package parley.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code parley sim membership} as a user meets it. */
class SimMembershipCommandTest {
    @ParameterizedTest
    @ValueSource(strings = {
        "sim membership --nodes 0", "sim membership --nodes 1", "sim membership --loss 2", "sim membership --loss x",
        "sim membership --loss -1%", "sim membership --slow 1.5", "sim membership --lifeguard maybe",
        "sim membership --seeds 3..1", "sim membership --crash 10 --nodes 10", "sim membership --plot /tmp/x",
        "sim membership --max-s 0", "sim membership --threads 0", "sim membership --bogus"
    })
    void badFlagsAreOneClearLineAndExitTwo(String args) {
        CliTest.Result result = CliTest.run(args.split(" "));
        assertEquals(2, result.exitCode(), result.toString());
        String[] lines = result.err().strip().split("\n");
        assertTrue(lines[0].startsWith("parley: error: "), result.err());
        assertFalse(result.err().contains("Exception") || result.err().contains("\tat "), "no stack traces: " + result.err());
        assertEquals(1, lines.length, result.err());
    }

    @Test
    void aSmallRunReportsDetectionFalsePositivesAndMessages() {
        CliTest.Result result = CliTest.run("sim", "membership", "--nodes", "60", "--loss", "1%", "--seeds", "1..2", "--threads", "1");
        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.out().contains("all-dead"), result.out());
        assertTrue(result.out().contains("false suspicions"), result.out());
        assertTrue(result.out().contains("messages/node/s"), result.out());
        assertTrue(result.out().contains("0 seed(s) missed a crash"), result.out());
    }

    @Test
    void theRaftSimulationIsStillTheDefaultOfSim() {
        CliTest.Result result = CliTest.run("sim", "--seeds", "1", "--ops", "20", "--threads", "1");
        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.out().contains("1 passed"), result.out());
    }

    @Test
    void plotsAreSelfContainedSvg(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        String svg = new parley.membership.sim.SvgPlot("t", "x", "y", true)
                .add(new parley.membership.sim.SvgPlot.Series("a<b", new double[] {50, 100, 1000}, new double[] {1, 2, Double.NaN}, false))
                .render();
        Path file = dir.resolve("p.svg");
        SimMembershipCommand.writeFile(file, svg);
        String text = Files.readString(file);
        assertTrue(text.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assertTrue(text.contains("a&lt;b"));
        assertFalse(text.contains("href"), "no external references");
    }
}
