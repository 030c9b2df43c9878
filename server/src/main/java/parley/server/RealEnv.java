package parley.server;

import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.function.BiConsumer;
import java.util.function.IntConsumer;
import parley.core.Check;
import parley.core.env.Env;
import parley.core.env.RandomSource;
import parley.core.env.SplittableRandomSource;

/**
 * The real world's {@link Env}: the monotonic system clock, a random source seeded once from the
 * operating system, timers on the node's {@link EventLoop}, and sends handed to the transport. Only
 * ever used from the loop's thread, like the core it serves.
 *
 * @param <M> the protocol's message type
 */
public final class RealEnv<M> implements Env<M> {
    private final long nodeId;
    private final EventLoop loop;
    private final BiConsumer<Long, M> transport;
    private final IntConsumer onTimer;
    /** {@code System::nanoTime}, or a fault-injecting clock ({@link FaultHooks#nowNs}) when the config asks for one. */
    private final java.util.function.LongSupplier clockNs;
    private final RandomSource random = new SplittableRandomSource(new SecureRandom().nextLong());
    /** Armed timers; a generation per id makes a replaced timer's late firing harmless. */
    private final Map<Integer, Armed> timers = new HashMap<>();
    private long generationNext;

    private record Armed(long generation, ScheduledFuture<?> future) {}

    /**
     * @param transport called with (to, message) for every send; must not block
     * @param onTimer   called on the loop with the timer id when a timer fires
     */
    public RealEnv(long nodeId, EventLoop loop, BiConsumer<Long, M> transport, IntConsumer onTimer) {
        this(nodeId, loop, transport, onTimer, System::nanoTime);
    }

    /** @param clockNs this node's monotonic clock in nanoseconds */
    public RealEnv(long nodeId, EventLoop loop, BiConsumer<Long, M> transport, IntConsumer onTimer, java.util.function.LongSupplier clockNs) {
        this.clockNs = clockNs;
        this.nodeId = nodeId;
        this.loop = loop;
        this.transport = transport;
        this.onTimer = onTimer;
    }

    @Override public long nodeId() { return nodeId; }

    @Override public long nowNs() { return clockNs.getAsLong(); }

    @Override public RandomSource random() { return random; }

    @Override
    public void send(long to, M message) {
        transport.accept(to, message);
    }

    @Override
    public void setTimer(int timerId, long delayNs) {
        Check.that(delayNs >= 0, "timer delay must be >= 0: %d", delayNs);
        cancelTimer(timerId);
        long generation = ++generationNext;
        ScheduledFuture<?> future = loop.schedule(() -> fire(timerId, generation), delayNs);
        if (future != null) timers.put(timerId, new Armed(generation, future));
    }

    @Override
    public void cancelTimer(int timerId) {
        Armed armed = timers.remove(timerId);
        if (armed != null) armed.future().cancel(false);
    }

    private void fire(int timerId, long generation) {
        Armed armed = timers.get(timerId);
        if (armed == null || armed.generation() != generation) return; // replaced or canceled meanwhile
        timers.remove(timerId);
        onTimer.accept(timerId);
    }
}
