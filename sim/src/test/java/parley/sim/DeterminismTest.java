package parley.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import parley.sim.nemesis.Nemesis;
import parley.sim.nemesis.NemesisConfig;
import parley.sim.toy.ToyCluster;

class DeterminismTest {

    private static Trace.Recording run(long seed) {
        Trace.Recording trace = Trace.recording();
        ToyCluster cluster = new ToyCluster(SimConfig.defaults(seed).withTrace(trace), 5);
        cluster.world.trace("harness: begin");
        RunResult result = PhasedRun.run(cluster.world, new Nemesis(cluster.world, NemesisConfig.defaults()),
                PhasePlan.of(3_000_000_000L, 5_000_000_000L), cluster.everyoneHearsEveryone(3));
        cluster.world.trace("harness: " + result.describe());
        return trace;
    }

    @Test
    void sameSeedGivesByteIdenticalTrace() {
        Trace.Recording first = run(42);
        Trace.Recording second = run(42);
        assertTrue(first.lines().size() > 5_000, "a substantial trace: " + first.lines().size());
        assertEquals(first.text(), second.text());
    }

    @Test
    void differentSeedGivesDifferentTrace() {
        assertNotEquals(run(42).text(), run(43).text());
    }

    @Test
    void traceShowsEveryKindOfHappening() {
        String text = run(7).text();
        for (String expected : List.of(" <- ", " timer 1", " synced ", " START #1", "nemesis ", "harness: begin")) {
            assertTrue(text.contains(expected), "trace mentions '" + expected + "'");
        }
        assertTrue(text.startsWith("+0.000000000s n1 START #1\n"), text.substring(0, 60));
    }

    @Test
    void digestMatchesAcrossRunsAndTraceOffDoesNotChangeTheRun() {
        Trace.Digest first = Trace.digest();
        Trace.Digest second = Trace.digest();
        SimStats[] stats = new SimStats[3];
        Trace[] traces = {first, second, Trace.off()};
        for (int i = 0; i < 3; i++) {
            ToyCluster cluster = new ToyCluster(SimConfig.defaults(99).withTrace(traces[i]), 5);
            new Nemesis(cluster.world, NemesisConfig.defaults()).start();
            cluster.world.runFor(2_000_000_000L);
            stats[i] = cluster.world.stats();
        }
        assertEquals(first.digest(), second.digest());
        assertEquals(first.lineCount(), second.lineCount());
        assertEquals(stats[0], stats[1]);
        assertEquals(stats[0], stats[2], "tracing must not perturb the run");
    }
}
