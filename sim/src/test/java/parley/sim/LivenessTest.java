package parley.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import parley.core.Check;
import parley.core.env.SplittableRandomSource;
import parley.sim.nemesis.Nemesis;
import parley.sim.nemesis.NemesisConfig;
import parley.sim.toy.ToyCluster;
import parley.sim.toy.ToyMessage;

class LivenessTest {
    private static final long SECOND_NS = 1_000_000_000L;

    @Test
    void passesWithoutFaults() {
        ToyCluster cluster = new ToyCluster(SimConfig.defaults(1), 3);
        RunResult result = PhasedRun.run(cluster.world, FaultInjector.none(cluster.world),
                PhasePlan.of(SECOND_NS, SECOND_NS), cluster.everyoneHearsEveryone(3));
        RunResult.Passed passed = assertInstanceOf(RunResult.Passed.class, result);
        assertEquals(SECOND_NS, passed.healedAtNs());
        assertTrue(passed.progressAtNs() > SECOND_NS && passed.progressAtNs() < 2 * SECOND_NS);
        assertTrue(result.describe().startsWith("seed 1 passed"));
    }

    @Test
    void passesAfterTheNemesisForManySeeds() {
        for (long seed = 0; seed < 10; seed++) {
            ToyCluster cluster = new ToyCluster(SimConfig.defaults(seed), 5);
            RunResult result = PhasedRun.run(cluster.world, new Nemesis(cluster.world, NemesisConfig.defaults()),
                    PhasePlan.of(3 * SECOND_NS, 2 * SECOND_NS), cluster.everyoneHearsEveryone(3));
            assertTrue(result.passed(), result.describe());
        }
    }

    @Test
    void reportsALivenessFailureWhenProgressIsImpossible() {
        ToyCluster cluster = new ToyCluster(SimConfig.defaults(5), 3);
        Simulation<ToyMessage> world = cluster.world;
        world.runFor(SECOND_NS);
        assertTrue(world.corruptDisk(3, new SplittableRandomSource(1)) >= 0);
        world.crash(3, CrashMode.LOSE_UNSYNCED);
        RunResult result = PhasedRun.run(world, FaultInjector.none(world), PhasePlan.of(SECOND_NS, 2 * SECOND_NS),
                cluster.allServersHearEachOther(1));
        RunResult.LivenessFailure failure = assertInstanceOf(RunResult.LivenessFailure.class, result);
        assertEquals(NodeState.FAILED, world.state(3));
        assertEquals(2 * SECOND_NS, failure.healedAtNs());
        assertEquals(4 * SECOND_NS, failure.deadlineNs());
        assertEquals(4 * SECOND_NS, world.nowNs());
        assertTrue(result.describe().contains("LIVENESS FAILURE"), result.describe());
    }

    @Test
    void reportsASafetyFailureWithTheSeed() {
        ToyCluster cluster = new ToyCluster(SimConfig.defaults(77), 3);
        cluster.world.setSendCheck((from, to, message, disk) ->
                Check.that(!(message instanceof ToyMessage.Counter c && c.value() >= 20), "counters stay below 20"));
        RunResult result = PhasedRun.run(cluster.world, FaultInjector.none(cluster.world),
                PhasePlan.of(10 * SECOND_NS, SECOND_NS), cluster.everyoneHearsEveryone(1));
        RunResult.SafetyFailure failure = assertInstanceOf(RunResult.SafetyFailure.class, result);
        assertEquals(77, failure.seed());
        assertInstanceOf(Check.InvariantViolation.class, failure.cause());
        assertTrue(failure.atNs() < SECOND_NS);
    }
}
