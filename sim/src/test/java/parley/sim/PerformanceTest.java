package parley.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import parley.sim.nemesis.Nemesis;
import parley.sim.nemesis.NemesisConfig;
import parley.sim.toy.ToyCluster;

/**
 * Measures the world's overhead with the toy protocol (whose own work is tiny): a tick every 1 ms on
 * each of 5 servers, each announcing to 4 peers that acknowledge. Prints events per second; asserts
 * only a loose floor, since the machine is shared.
 */
class PerformanceTest {

    private static double eventsPerSecond(long seed, boolean nemesis, long virtualNs) {
        ToyCluster cluster = new ToyCluster(SimConfig.defaults(seed), 5, 1_000_000L);
        if (nemesis) {
            new Nemesis(cluster.world, NemesisConfig.defaults()).start();
        }
        long startNs = System.nanoTime();
        cluster.world.runFor(virtualNs);
        long wallNs = System.nanoTime() - startNs;
        SimStats stats = cluster.world.stats();
        double rate = stats.events() * 1e9 / wallNs;
        System.out.printf("sim perf (nemesis=%s): %,d events, %,d messages in %.1f ms wall = %,.0f events/s%n",
                nemesis, stats.events(), stats.messagesSent(), wallNs / 1e6, rate);
        return rate;
    }

    @Test
    void toyRunsAreCheap() {
        eventsPerSecond(1, false, 2_000_000_000L); // warm-up
        double quiet = eventsPerSecond(2, false, 4_000_000_000L);
        double faulty = eventsPerSecond(3, true, 4_000_000_000L);
        assertTrue(quiet > 200_000 && faulty > 200_000, "at least 200k events/s: " + quiet + ", " + faulty);
    }
}
