package parley.membership.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Section 6 of issue 4: with 5% packet loss and paused (slow) nodes, zero false removals; and Lifeguard
 * earns its keep where it should, when slow nodes accuse healthy ones.
 */
class FalsePositiveTest {
    private static final int NODES = 100;
    private static final long TEN_MINUTES_MS = 600_000;

    @Test
    void fivePercentLossAndStalledNodesGiveSuspicionsButNoFalseRemovals() {
        // 10% of the nodes are slow: 200 ms mean inbound delay, and a 0.2-2 s stall every ~20 s.
        List<RunReport> reports = Seeds.run(1, 10, seed -> ScenarioRunner.run(
                WorldConfig.lan(NODES, seed).withLoss(0.05).withSlowFraction(0.1), new Scenario(0, 0, TEN_MINUTES_MS, TEN_MINUTES_MS)));
        for (RunReport report : reports) {
            // The faults bit: nodes stalled, members were suspected and refuted...
            assertTrue(report.stalls() > 100, "seed " + report.seed() + ": stalls " + report.stalls());
            assertTrue(report.falseSuspicions() > 50, "seed " + report.seed() + ": suspicions " + report.falseSuspicions());
            // ...and still no running member was ever declared DEAD by any running member.
            assertEquals(0, report.falseDeaths(), "seed " + report.seed() + ": false removals");
        }
    }

    @Test
    void lifeguardCutsFalseSuspicionsOfHealthyMembersWhenSlowNodesAccuseThem() {
        // Slow nodes whose inbound messages wait 1 s on average: without local health they time out on
        // healthy targets all the time.
        long withLifeguard = 0;
        long without = 0;
        for (boolean lifeguard : new boolean[] {true, false}) {
            List<RunReport> reports = Seeds.run(1, 3, seed -> ScenarioRunner.run(
                    WorldConfig.lan(NODES, seed).withLoss(0.01).withSlowFraction(0.1).withSlowProfile(1000, 20_000, 200, 2000)
                            .withLifeguard(lifeguard), new Scenario(0, 0, TEN_MINUTES_MS, TEN_MINUTES_MS)));
            long healthy = reports.stream().mapToLong(RunReport::falseSuspicionsOfHealthy).sum();
            if (lifeguard) withLifeguard = healthy; else without = healthy;
        }
        assertTrue(without > 100, "the scenario must produce false suspicions without Lifeguard: " + without);
        assertTrue(withLifeguard * 2 < without, "Lifeguard " + withLifeguard + " vs plain SWIM " + without);
    }
}
