package parley.etcdapi;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fails requests that take longer than one fixed timeout, for many requests at a low cost: each
 * request joins a queue (one lock-free append), and one thread sweeps the queue every
 * {@link #SWEEP_INTERVAL_MS}. With a single timeout the queue is in deadline order, so a sweep stops
 * at the first request still in time. {@code CompletableFuture.orTimeout} instead schedules (and
 * cancels) a task per request on a shared timer thread and wakes it each time: measurable at tens of
 * thousands of requests per second. A request fails at most one sweep interval late.
 */
public final class RequestDeadlines implements AutoCloseable {
    public static final long SWEEP_INTERVAL_MS = 50;

    private record Entry(long deadlineNs, CompletableFuture<?> future) {}

    private final long timeoutNs;
    private final ConcurrentLinkedQueue<Entry> queue = new ConcurrentLinkedQueue<>();
    private final ScheduledExecutorService sweeper;

    public RequestDeadlines(String name, long timeoutMs) {
        this.timeoutNs = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        this.sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
        sweeper.scheduleWithFixedDelay(this::sweep, SWEEP_INTERVAL_MS, SWEEP_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    /** {@code future}, failed with a {@link TimeoutException} if it is not done within the timeout. */
    public <T> CompletableFuture<T> bound(CompletableFuture<T> future) {
        if (!future.isDone()) queue.add(new Entry(System.nanoTime() + timeoutNs, future));
        return future;
    }

    /** Drops finished requests from the head and fails the overdue ones. */
    void sweep() {
        long nowNs = System.nanoTime();
        for (Entry head; (head = queue.peek()) != null; ) {
            if (!head.future().isDone() && head.deadlineNs() - nowNs > 0) return;
            queue.poll();
            if (!head.future().isDone()) head.future().completeExceptionally(new TimeoutException());
        }
    }

    /** Requests waiting for their deadline (or for a sweep to drop them). */
    int size() {
        return queue.size();
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
