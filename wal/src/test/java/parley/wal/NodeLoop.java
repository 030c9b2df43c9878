package parley.wal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A node's event loop, run by the test thread: completions queue here and run when the test pumps
 * them, so storage is only ever touched by one thread, as in the server.
 */
final class NodeLoop implements Executor {
    private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    final List<Long> synced = new ArrayList<>();

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
    }

    void onSynced(long syncId) {
        synced.add(syncId);
    }

    /** Runs queued tasks until {@code done} holds; fails after 10 s. */
    void runUntil(BooleanSupplier done) throws InterruptedException {
        long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!done.getAsBoolean()) {
            Runnable task = tasks.poll(Math.max(1, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (task == null) throw new AssertionError("timed out waiting on the node loop");
            task.run();
        }
    }

    /** Runs whatever is queued now, waiting {@code waitMs} for stragglers. */
    int drain(long waitMs) throws InterruptedException {
        int ran = 0;
        Runnable task;
        while ((task = tasks.poll(waitMs, TimeUnit.MILLISECONDS)) != null) {
            task.run();
            ran++;
        }
        return ran;
    }
}
