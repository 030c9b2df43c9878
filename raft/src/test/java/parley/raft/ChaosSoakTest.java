package parley.raft;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import parley.core.env.SplittableRandomSource;

/**
 * The chaos schedule of {@link SafetyPropertyTest} over a long range of seeds, with statistics that
 * show the schedules really commit, compact and reconfigure. Opt-in (it takes a while):
 * {@code -Dchaos.runs=20000 [-Dchaos.first=1]}.
 */
class ChaosSoakTest {
    @Test
    void soak() {
        Assumptions.assumeTrue(Integer.getInteger("chaos.runs") != null, "soak runs only with -Dchaos.runs=N");
        long commits = 0, snaps = 0, terms = 0, accepted = 0, changedConfigs = 0;
        long first = Long.getLong("chaos.first", 1);
        int runs = Integer.getInteger("chaos.runs", 3000);
        for (long seed = first; seed < first + runs; seed++) {
            int n = 3 + (int) (seed % 3);
            Cluster c = SafetyPropertyTest.chaosCluster(seed, n);
            try {
                accepted += SafetyPropertyTest.runChaos(c, new SplittableRandomSource(seed), 500);
                SafetyPropertyTest.heal(c);
                c.runMs(15_000);
                SafetyPropertyTest.checkConverged(c);
            } catch (Throwable t) {
                throw new AssertionError("seed " + seed + " n=" + n + " config=" + SafetyPropertyTest.configFor(seed), t);
            }
            for (Cluster.Member m : c.members.values()) {
                commits += m.node.log.commitIndex();
                snaps += m.node.log.snapshotIndex() > 0 ? 1 : 0;
                terms += m.node.term();
            }
            Cluster.Member l = c.leader();
            if (l != null && l.node.log.config().members().size() != n) changedConfigs++;
        }
        System.out.println("STATS runs=" + runs + " avgCommit=" + commits / runs + " nodesWithSnapshot=" + snaps + " avgTermSum=" + terms / runs + " accepted=" + accepted + " runsEndingWithChangedConfig=" + changedConfigs);
    }
}
