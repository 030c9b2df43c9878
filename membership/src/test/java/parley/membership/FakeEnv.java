package parley.membership;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import parley.core.env.Env;
import parley.core.env.RandomSource;
import parley.core.env.SplittableRandomSource;

/** An Env driven by hand: tests move the clock, read what was sent, and fire timers themselves. */
final class FakeEnv implements Env<SwimMessage> {
    record Sent(long to, SwimMessage message) {}

    private final long id;
    private final RandomSource random;
    long nowNs = 1_000_000_000L;
    final List<Sent> sent = new ArrayList<>();
    final Map<Integer, Long> timers = new HashMap<>();

    FakeEnv(long id, long seed) {
        this.id = id;
        this.random = new SplittableRandomSource(seed);
    }

    @Override public long nodeId() { return id; }
    @Override public long nowNs() { return nowNs; }
    @Override public RandomSource random() { return random; }
    @Override public void send(long to, SwimMessage message) { sent.add(new Sent(to, message)); }
    @Override public void setTimer(int timerId, long delayNs) { timers.put(timerId, nowNs + delayNs); }
    @Override public void cancelTimer(int timerId) { timers.remove(timerId); }

    /** Advances the clock to timer {@code timerId}'s due time and fires it on {@code node}. */
    void fire(SwimNode node, int timerId) {
        Long due = timers.remove(timerId);
        if (due == null) throw new AssertionError("timer " + timerId + " is not armed");
        nowNs = Math.max(nowNs, due);
        node.onTimer(timerId);
    }

    /** Advances the clock by {@code ms}, firing every timer that comes due on the way, in order. */
    void advanceMs(SwimNode node, long ms) {
        long end = nowNs + ms * 1_000_000L;
        while (true) {
            Integer next = null;
            for (Map.Entry<Integer, Long> timer : timers.entrySet()) {
                if (timer.getValue() <= end && (next == null || timer.getValue() < timers.get(next))) next = timer.getKey();
            }
            if (next == null) break;
            fire(node, next);
        }
        nowNs = end;
    }

    <T extends SwimMessage> List<Sent> sentOf(Class<T> type) {
        return sent.stream().filter(s -> type.isInstance(s.message())).toList();
    }
}
