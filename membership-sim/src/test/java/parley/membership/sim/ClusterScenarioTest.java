package parley.membership.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import parley.membership.Member;
import parley.membership.MemberState;

/** Partitions, joins, leaves and rejoins in the simulated world, each judged by what the views show. */
class ClusterScenarioTest {
    private static final long S = 1_000_000_000L;

    @Test
    void partitionThenHealViewsConvergeAndNoMemberIsLost() {
        for (long seed = 1; seed <= 3; seed++) {
            int nodes = 40;
            MembershipWorld world = new MembershipWorld(WorldConfig.lan(nodes, seed).withLoss(0.01));
            world.bootstrapAll();
            world.runUntil(5 * S);
            int[] sides = new int[nodes];
            for (int i = 0; i < nodes; i++) sides[i] = i < nodes / 2 ? 0 : 1;
            world.partition(sides);
            world.runUntil(95 * S);
            // Long enough for each side to declare the other DEAD: the path back must be exercised.
            assertEquals(MemberState.DEAD, world.node(0).stateOf(nodes), "seed " + seed);
            assertEquals(MemberState.DEAD, world.node(nodes - 1).stateOf(1), "seed " + seed);
            world.healPartition();
            boolean converged = world.runUntil(world::viewsConverged, S, world.nowNs() + 300 * S);
            assertTrue(converged, "seed " + seed + ": views did not converge within 300 s of the heal");
            for (int i = 0; i < nodes; i++) {
                assertEquals(nodes, world.node(i).memberCount(), "seed " + seed + ": n" + (i + 1) + " lost a member");
            }
        }
    }

    @Test
    void nodesJoinThroughASeedAndEveryoneLearnsEveryone() {
        int nodes = 30;
        MembershipWorld world = new MembershipWorld(WorldConfig.lan(nodes, 7).withLoss(0.01));
        world.startJoining(0, List.of());
        for (int i = 1; i < nodes; i++) {
            int index = i;
            world.at(i * 200_000_000L, () -> world.startJoining(index, List.of(1L)));
        }
        assertTrue(world.runUntil(world::viewsConverged, S, 120 * S), "joins did not converge");
    }

    @Test
    void aGracefulLeaveIsSeenAsLeftEverywhereAndNotAsAFailure() {
        int nodes = 30;
        MembershipWorld world = new MembershipWorld(WorldConfig.lan(nodes, 11));
        world.bootstrapAll();
        world.runUntil(5 * S);
        world.leave(4);
        boolean spread = world.runUntil(() -> {
            for (int i = 0; i < nodes; i++) if (i != 4 && world.node(i).stateOf(5) != MemberState.LEFT) return false;
            return true;
        }, 100_000_000L, world.nowNs() + 10 * S);
        assertTrue(spread, "LEFT did not reach everyone within 10 s");
        assertEquals(0, world.observations().falseDeaths());
    }

    @Test
    void aCrashedNodeRestartsAtANewAddressAndIsAliveThereEverywhere() {
        int nodes = 30;
        MembershipWorld world = new MembershipWorld(WorldConfig.lan(nodes, 5));
        world.bootstrapAll();
        world.runUntil(5 * S);
        world.crash(9);
        boolean dead = world.runUntil(() -> world.observations().crash(9).allDeadNs() >= 0, S, world.nowNs() + 60 * S);
        assertTrue(dead, "the crash was not disseminated");
        String oldAddress = world.address(9);
        world.restart(9, true, List.of(1L, 2L));
        assertNotEquals(oldAddress, world.address(9));
        assertTrue(world.runUntil(world::viewsConverged, S, world.nowNs() + 60 * S), "the rejoin did not converge");
        Member seen = world.node(0).member(10);
        assertEquals(world.address(9), seen.address());
        assertTrue(seen.incarnation() > 0, "the restarted node refuted its older life with a higher incarnation");
        assertEquals(nodes, world.node(9).memberCount(), "the restarted node learned everyone again");
    }

    @Test
    void theSameSeedGivesTheSameRunAndAnotherSeedAnotherRun() {
        WorldConfig config = WorldConfig.lan(200, 3).withLoss(0.05).withSlowFraction(0.1);
        Scenario scenario = new Scenario(2, 5_000, 60_000, 60_000);
        RunReport a = ScenarioRunner.run(config, scenario);
        RunReport b = ScenarioRunner.run(config, scenario);
        RunReport c = ScenarioRunner.run(config.withSeed(4), scenario);
        assertEquals(withoutWall(a), withoutWall(b));
        assertNotEquals(withoutWall(a), withoutWall(c));
    }

    private static String withoutWall(RunReport r) {
        return r.toString().replaceAll("wallNs=\\d+", "");
    }
}
