package parley.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import parley.core.Check;
import parley.core.env.Env;

class WorldTest {

    /** Answers every message by sending one back to itself with zero latency. */
    private static final class Echo implements SimProcess<String> {
        final List<String> log = new ArrayList<>();
        Env<String> env;
        boolean inside;

        @Override
        public void onStart(Env<String> env, SimDisk disk) {
            this.env = env;
        }

        @Override
        public void onMessage(long from, String message) {
            assertFalse(inside, "re-entrant delivery");
            inside = true;
            log.add(message);
            if (message.length() < 4) {
                env.send(env.nodeId(), message + "+");
                log.add("sent " + message + "+");
            }
            inside = false;
        }

        @Override
        public void onTimer(int timerId) {
            env.setTimer(timerId, 0);
        }
    }

    private static SimConfig zeroLatency() {
        return Probe.quiet(1).withNetwork(NetworkConfig.lan().withLatency(new LatencyModel.Fixed(0)));
    }

    @Test
    void sendNeverDeliversSynchronouslyEvenWithZeroLatency() {
        Simulation<String> world = new Simulation<>(zeroLatency());
        Echo echo = new Echo();
        world.addServer(1, id -> echo);
        echo.env.send(1, "a");
        assertTrue(echo.log.isEmpty());
        world.runFor(0);
        assertEquals(List.of("a", "sent a+", "a+", "sent a++", "a++", "sent a+++", "a+++"), echo.log);
    }

    @Test
    void zeroDelayTimerLoopHitsTheBudget() {
        SimConfig config = new SimConfig(1, zeroLatency().network(), zeroLatency().disk(), ClockConfig.perfect(),
                10_000_000, 1_000, 10, Trace.off());
        Simulation<String> world = new Simulation<>(config);
        Echo echo = new Echo();
        world.addServer(1, id -> echo);
        echo.env.setTimer(1, 0);
        EventBudgetExceeded error = assertThrows(EventBudgetExceeded.class, () -> world.runFor(1));
        assertTrue(error.getMessage().contains("without virtual time advancing"), error.getMessage());
        assertTrue(error.getMessage().contains("seed 1"), error.getMessage());
    }

    @Test
    void totalEventBudgetIsEnforced() {
        Simulation<String> world = new Simulation<>(Probe.quiet(1).withMaxEvents(100));
        Echo echo = new Echo();
        world.addServer(1, id -> echo);
        echo.env.setTimer(1, 1);
        assertThrows(EventBudgetExceeded.class, () -> world.runFor(1_000_000));
        assertEquals(101, world.eventCount());
    }

    @Test
    void processesCannotDriveTheWorldAndStaleEnvsThrow() {
        Simulation<String> world = new Simulation<>(Probe.quiet(1));
        world.addServer(1, id -> new SimProcess<>() {
            @Override public void onStart(Env<String> env, SimDisk disk) {}
            @Override public void onMessage(long from, String message) { world.crash(1, CrashMode.LOSE_UNSYNCED); }
            @Override public void onTimer(int timerId) { world.step(); }
        });
        world.addServer(2, id -> new Probe(world));
        Env<String> oldEnv = Probe.of(world, 2).env;
        Probe.of(world, 2).env.send(1, "crash yourself");
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> world.runFor(10_000_000));
        assertTrue(error.getMessage().contains("from inside a process"), error.getMessage());

        world.crash(2, CrashMode.LOSE_UNSYNCED);
        world.restart(2);
        assertThrows(IllegalStateException.class, () -> oldEnv.send(1, "x"));
    }

    @Test
    void sendCheckSeesEverySendAndCanFailTheRun() {
        Simulation<String> world = Probe.world(Probe.quiet(1), 1, 2);
        List<String> checked = new ArrayList<>();
        world.setSendCheck((from, to, message, fromDisk) -> {
            checked.add(from + "->" + to + " " + message);
            Check.that(!message.equals("bad"), "no bad messages");
        });
        Probe.of(world, 1).env.send(2, "good");
        assertThrows(Check.InvariantViolation.class, () -> Probe.of(world, 2).env.send(1, "bad"));
        assertEquals(List.of("1->2 good", "2->1 bad"), checked);
    }

    @Test
    void adversaryCanDropAlterEquivocateAndSpoof() {
        Trace.Recording trace = Trace.recording();
        Simulation<String> world = Probe.world(Probe.quiet(1).withTrace(trace), 1, 2, 3);
        world.setAdversary(1, (from, to, message, out) -> {
            switch (message) {
                case "drop" -> { }
                case "vote" -> out.send(to, to == 2 ? "vote A" : "vote B");
                case "forge" -> out.sendAs(3, to, "forged");
                default -> {
                    out.send(to, message.toUpperCase());
                    out.send(to, message.toUpperCase());
                }
            }
        });
        Env<String> env = Probe.of(world, 1).env;
        env.send(2, "drop");
        env.send(2, "vote");
        env.send(3, "vote");
        env.send(2, "forge");
        env.send(3, "dup");
        world.runFor(10_000_000);
        assertEquals(List.of("start", "msg 1 vote A", "msg 3 forged"), Probe.of(world, 2).whats());
        assertEquals(List.of("start", "msg 1 vote B", "msg 1 DUP", "msg 1 DUP"), Probe.of(world, 3).whats());
        assertEquals(1, world.network().droppedByAdversary());
        assertTrue(trace.text().contains("n2 <- n3(spoofed by n1) forged"), trace.text());
        assertTrue(trace.text().contains("SUPPRESSED by adversary"));
    }

    @Test
    void harnessLinesAndRunUntilCondition() {
        Trace.Recording trace = Trace.recording();
        Simulation<String> world = Probe.world(Probe.quiet(1).withTrace(trace), 1, 2);
        Probe.of(world, 1).env.send(2, "ping");
        boolean arrived = world.runUntil(() -> Probe.of(world, 2).whats().size() == 2, 1_000_000_000L);
        assertTrue(arrived);
        assertEquals(1_000_000, world.nowNs());
        world.trace(2, "became LEADER term=3");
        world.trace("checker: ok");
        assertEquals(List.of(
                "+0.000000000s n1 START #1",
                "+0.000000000s n2 START #1",
                "+0.001000000s n2 <- n1 ping",
                "+0.001000000s n2 became LEADER term=3",
                "+0.001000000s checker: ok"), trace.lines());
        assertFalse(world.runUntil(() -> false, 2_000_000_000L));
        assertEquals(2_000_000_000L, world.nowNs());
    }

    @Test
    void afterEachEventHookRunsAfterEveryEvent() {
        Simulation<String> world = Probe.world(Probe.quiet(1), 1, 2);
        long[] calls = {0};
        world.afterEachEvent(() -> calls[0]++);
        for (int i = 0; i < 10; i++) {
            Probe.of(world, 1).env.send(2, "x");
        }
        world.runFor(10_000_000);
        assertEquals(world.eventCount(), calls[0]);
        assertEquals(10, calls[0]);
    }

    @Test
    void duplicateNodeIdIsRejected() {
        Simulation<String> world = Probe.world(Probe.quiet(1), 1);
        assertThrows(IllegalArgumentException.class, () -> world.addServer(1, id -> new Probe(world)));
        assertThrows(IllegalArgumentException.class, () -> world.state(99));
    }
}
