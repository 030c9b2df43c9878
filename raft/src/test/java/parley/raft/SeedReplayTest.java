package parley.raft;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import parley.core.env.SplittableRandomSource;

/**
 * Replays one chaos seed (as reported by {@link ChaosSoakTest} or {@link SafetyPropertyTest}) and
 * prints the cluster and the messages of one node: {@code -Dreplay.seed=113280 [-Dreplay.node=3]}.
 */
class SeedReplayTest {
    @Test
    void replay() {
        Long seed = Long.getLong("replay.seed");
        Assumptions.assumeTrue(seed != null, "replays only with -Dreplay.seed=N");
        long node = Long.getLong("replay.node", 1);
        int n = 3 + (int) (seed % 3);
        Cluster c = SafetyPropertyTest.chaosCluster(seed, n);
        c.recordSends = true;
        SafetyPropertyTest.runChaos(c, new SplittableRandomSource(seed), 500);
        SafetyPropertyTest.heal(c);
        c.runMs(15_000);
        System.out.println(c.describe());
        c.sentLog.stream().filter(e -> e.to() == node || e.from() == node).skip(Math.max(0, c.sentLog.size() - 200))
                .forEach(System.out::println);
        SafetyPropertyTest.checkConverged(c);
    }
}
