package parley.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class PauseTest {

    @Test
    void pausedNodeGetsNothingAndCatchesUpInOrderOnResume() {
        Simulation<String> world = Probe.world(Probe.quiet(1), 1, 2);
        Probe two = Probe.of(world, 2);
        world.schedule(0, () -> {
            two.env.setTimer(7, 5_000_000);
            two.disk.append(new byte[] {1});
            two.disk.sync(3);
            assertTrue(world.pause(2));
            for (int i = 0; i < 3; i++) {
                Probe.of(world, 1).env.send(2, "m" + i);
            }
        });
        world.runFor(50_000_000);
        assertEquals(NodeState.PAUSED, world.state(2));
        assertEquals(List.of("start"), two.whats(), "nothing delivered while paused");
        assertEquals(1, world.disk(2).durableRecordCount(), "the disk completed the fsync anyway");

        assertTrue(world.resume(2));
        long resumedAtNs = world.nowNs();
        world.runFor(1_000);
        // arrival order: the sync at 0.1 ms, the messages at 1 ms, the timer at 5 ms
        assertEquals(List.of("start", "sync 3", "msg 1 m0", "msg 1 m1", "msg 1 m2", "timer 7"), two.whats());
        for (Probe.Happening happening : two.log.subList(1, 6)) {
            assertEquals(resumedAtNs, happening.globalNs());
        }
        assertEquals(0, world.network().inFlight());
        assertEquals(3, world.network().delivered());
    }

    @Test
    void crashWhilePausedDropsWhatWasHeldBack() {
        Simulation<String> world = Probe.world(Probe.quiet(1), 1, 2);
        world.pause(2);
        world.schedule(0, () -> Probe.of(world, 1).env.send(2, "lost"));
        world.runFor(10_000_000);
        assertTrue(world.crash(2, CrashMode.LOSE_UNSYNCED));
        assertEquals(1, world.network().droppedDown());
        assertEquals(0, world.network().inFlight());
        assertFalse(world.resume(2));
        world.restart(2);
        world.runFor(10_000_000);
        assertEquals(List.of("start"), Probe.of(world, 2).whats());
    }

    @Test
    void pauseBufferIsBounded() {
        SimConfig config = new SimConfig(1, Probe.quiet(1).network(), Probe.quiet(1).disk(), ClockConfig.perfect(),
                1_000_000, 100_000, 5, Trace.off());
        Simulation<String> world = Probe.world(config, 1, 2);
        world.pause(2);
        world.schedule(0, () -> {
            for (int i = 0; i < 8; i++) {
                Probe.of(world, 1).env.send(2, "m" + i);
            }
        });
        world.runFor(10_000_000);
        world.resume(2);
        world.runFor(1);
        assertEquals(6, Probe.of(world, 2).whats().size(), "start plus five held-back messages");
        assertEquals(3, world.network().droppedPauseOverflow());
    }

    @Test
    void cancelAndRearmWhilePausedByTheHarness() {
        Simulation<String> world = Probe.world(Probe.quiet(1), 1);
        Probe one = Probe.of(world, 1);
        one.env.setTimer(1, 1_000);
        one.env.setTimer(2, 1_000);
        world.pause(1);
        world.runFor(10_000);
        one.env.cancelTimer(1);
        one.env.setTimer(2, 50_000);
        world.resume(1);
        world.runFor(10_000);
        assertEquals(List.of("start"), one.whats());
        world.runFor(100_000);
        assertEquals(List.of("start", "timer 2"), one.whats());
    }
}
