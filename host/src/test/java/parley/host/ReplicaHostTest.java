package parley.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import parley.core.Check;
import parley.core.env.Env;
import parley.core.env.RandomSource;
import parley.core.env.SplittableRandomSource;

class ReplicaHostTest {
    /** A node Env whose timers fire when the test says so. */
    static final class ManualNode implements Env<Object> {
        final Map<Integer, Long> armed = new HashMap<>();
        final RandomSource random = new SplittableRandomSource(1);

        @Override public long nodeId() { return 7; }
        @Override public long nowNs() { return 0; }
        @Override public RandomSource random() { return random; }
        @Override public void send(long to, Object message) { throw new AssertionError("the host never sends through the node Env"); }
        @Override public void setTimer(int timerId, long delayNs) { armed.put(timerId, delayNs); }
        @Override public void cancelTimer(int timerId) { armed.remove(timerId); }
    }

    /** Records what one replica received. */
    static final class Recorder implements ReplicaHost.Replica<String> {
        final List<String> events = new ArrayList<>();

        @Override public void onMessage(long from, String payload) { events.add("msg " + from + " " + payload); }
        @Override public void onTimer(int localTimerId) { events.add("timer " + localTimerId); }
    }

    record Sent(long to, long group, String payload) {}

    final ManualNode node = new ManualNode();
    final List<Sent> sent = new ArrayList<>();
    final ReplicaHost<String> host = new ReplicaHost<>(node, (to, group, payload) -> sent.add(new Sent(to, group, payload)),
            ReplicaHost.TombstoneLog.inMemory(), 3);

    private Recorder attach(long group) {
        Recorder recorder = new Recorder();
        host.open(group);
        host.attach(group, recorder);
        return recorder;
    }

    private void fireAll() {
        for (int id : List.copyOf(node.armed.keySet())) {
            node.armed.remove(id);
            host.onTimer(id);
        }
    }

    @Test
    void messagesReachOnlyTheirGroupAndSendsCarryTheGroup() {
        Recorder a = attach(10);
        Recorder b = attach(20);
        assertTrue(host.onMessage(1, 10, "x"));
        assertTrue(host.onMessage(2, 20, "y"));
        assertFalse(host.onMessage(3, 30, "z"), "no replica of group 30 here");
        assertEquals(List.of("msg 1 x"), a.events);
        assertEquals(List.of("msg 2 y"), b.events);
        assertEquals(1, host.counters().droppedUnknownGroup());

        Env<String> env = host.open(40);
        env.send(5, "hello");
        assertEquals(List.of(new Sent(5, 40, "hello")), sent);
    }

    @Test
    void twoReplicasUseTheSameTimerIdWithoutMeetingEachOther() {
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        Env<String> envA = host.open(10);
        host.attach(10, a);
        Env<String> envB = host.open(20);
        host.attach(20, b);
        envA.setTimer(1, 100);
        envB.setTimer(1, 200);
        assertEquals(2, node.armed.size(), "two distinct node timers");
        envA.cancelTimer(1);
        fireAll();
        assertEquals(List.of(), a.events, "a cancelled its timer");
        assertEquals(List.of("timer 1"), b.events);
        assertThrows(Check.InvariantViolation.class, () -> envA.setTimer(ReplicaHost.LOCAL_TIMER_IDS, 1));
    }

    @Test
    void aDestroyedGroupStaysDeadAndItsTimersNeverFire() {
        Recorder a = new Recorder();
        Env<String> env = host.open(10);
        host.attach(10, a);
        env.setTimer(3, 100);
        host.destroy(10);
        assertTrue(node.armed.isEmpty(), "destroy cancels the replica's timers");
        assertFalse(host.onMessage(1, 10, "late"));
        assertEquals(1, host.counters().droppedDestroyedGroup());
        env.send(1, "leftover");
        assertEquals(List.of(), sent, "a destroyed replica says nothing");
        assertThrows(IllegalStateException.class, () -> host.open(10), "a destroyed group never comes back");
        assertEquals(List.of(), a.events);

        // Its timer slot goes to the next replica, which does not inherit stale firings.
        Recorder b = attach(20);
        host.onTimer(1 * ReplicaHost.LOCAL_TIMER_IDS + 3);
        assertEquals(List.of(), b.events);
    }

    @Test
    void tombstonesOutliveARestartThroughTheLog() {
        ReplicaHost.TombstoneLog log = ReplicaHost.TombstoneLog.inMemory();
        ReplicaHost<String> first = new ReplicaHost<>(node, (to, group, payload) -> { }, log, 4);
        first.open(10);
        first.destroy(10);
        ReplicaHost<String> restarted = new ReplicaHost<>(node, (to, group, payload) -> { }, log, 4);
        assertTrue(restarted.destroyed(10));
        assertThrows(IllegalStateException.class, () -> restarted.open(10));
        assertEquals(Set.of(10L), log.load());
    }

    @Test
    void theHostRefusesMoreReplicasThanItsBound() {
        attach(1);
        attach(2);
        attach(3);
        IllegalStateException full = assertThrows(IllegalStateException.class, () -> host.open(4));
        assertTrue(full.getMessage().contains("replicasMax"), full.getMessage());
        assertThrows(IllegalStateException.class, () -> host.open(1), "a group is hosted once");
    }
}
