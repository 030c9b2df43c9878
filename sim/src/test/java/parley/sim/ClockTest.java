package parley.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;

import org.junit.jupiter.api.Test;

class ClockTest {
    private static final long SECOND_NS = 1_000_000_000L;

    private static long timerFiresAtNs(double driftPpm, long delayNs) {
        Simulation<String> world = Probe.world(Probe.quiet(1), 1);
        world.setClockDriftPpm(1, driftPpm);
        Probe.of(world, 1).env.setTimer(3, delayNs);
        world.runFor(3 * delayNs);
        Probe.Happening fired = Probe.of(world, 1).log.get(1);
        assertEquals("timer 3", fired.what());
        return fired.globalNs();
    }

    @Test
    void fastClockFiresEarlyAndSlowClockLate() {
        // +100 ppm: one local second passes in 1 / 1.0001 global seconds
        assertEquals((long) Math.ceil(SECOND_NS / 1.0001), timerFiresAtNs(100, SECOND_NS), 1);
        assertEquals((long) Math.ceil(SECOND_NS / 0.9999), timerFiresAtNs(-100, SECOND_NS), 1);
        assertEquals(SECOND_NS, timerFiresAtNs(0, SECOND_NS));
    }

    @Test
    void forwardJumpFiresPendingTimersEarly() {
        Simulation<String> world = Probe.world(Probe.quiet(1), 1);
        Probe.of(world, 1).env.setTimer(1, SECOND_NS);
        Probe.of(world, 1).env.setTimer(2, 3 * SECOND_NS);
        world.runFor(SECOND_NS / 4);
        world.jumpClock(1, SECOND_NS);
        world.runFor(1);
        assertEquals("timer 1", Probe.of(world, 1).log.get(1).what());
        assertEquals(SECOND_NS / 4, Probe.of(world, 1).log.get(1).globalNs());
        world.runFor(10 * SECOND_NS);
        assertEquals(SECOND_NS * 2, Probe.of(world, 1).log.get(2).globalNs(), "3 s local = 2 s global after +1 s jump");
    }

    @Test
    void driftChangeWhileATimerIsPendingMovesIt() {
        Simulation<String> world = Probe.world(Probe.quiet(1), 1);
        Probe.of(world, 1).env.setTimer(1, SECOND_NS);
        world.runFor(SECOND_NS / 2);
        world.setClockDriftPpm(1, -500_00); // 5% slow from now on
        world.runFor(2 * SECOND_NS);
        long firedNs = Probe.of(world, 1).log.get(1).globalNs();
        long expectedNs = SECOND_NS / 2 + (long) Math.ceil(SECOND_NS / 2 / 0.95);
        assertEquals(expectedNs, firedNs, 1);
        assertTrue(world.clock(1).localNs(firedNs) >= SECOND_NS);
    }

    @Property(tries = 300)
    void localClockIsMonotonicAndTimersFireExactlyWhenDue(@ForAll @DoubleRange(min = -1000, max = 1000) double driftPpm,
                                                          @ForAll @LongRange(min = 0, max = 100_000_000_000L) long startNs,
                                                          @ForAll @LongRange(min = 0, max = 10_000_000_000L) long delayNs) {
        SimClock clock = new SimClock(12_345, driftPpm);
        long previous = Long.MIN_VALUE;
        for (long t = startNs; t < startNs + 50; t++) {
            long local = clock.localNs(t);
            assertTrue(local >= previous);
            previous = local;
        }
        long target = clock.localNs(startNs) + delayNs;
        long due = clock.globalNsWhenLocalReaches(target, startNs);
        assertTrue(clock.localNs(due) >= target);
        assertTrue(due == startNs || clock.localNs(due - 1) < target);
    }

    @Test
    void nodesStartWithDifferentClocks() {
        Simulation<String> world = Probe.world(SimConfig.defaults(5), 1, 2, 3);
        assertTrue(world.localNs(1) != world.localNs(2) || world.localNs(2) != world.localNs(3));
        for (long id = 1; id <= 3; id++) {
            assertTrue(Math.abs(world.clock(id).driftPpm()) <= 200);
        }
    }
}
