package parley.server;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one thread a node's protocol cores run on. Everything that touches a core (messages from
 * peers, client requests, timers, sync completions) is handed to this loop, so the cores stay
 * single-threaded exactly as in the simulator. Work submitted after {@link #close()} is dropped.
 */
public final class EventLoop implements Executor, AutoCloseable {
    private final ScheduledThreadPoolExecutor executor;
    private volatile Thread thread;

    public EventLoop(String name) {
        executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread t = new Thread(runnable, name);
            t.setDaemon(true);
            thread = t;
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public void execute(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException closed) {
            // Closing: the node is going away and so is the work.
        }
    }

    /** Runs {@code task} after {@code delayNs}; returns null when the loop is closed. */
    public ScheduledFuture<?> schedule(Runnable task, long delayNs) {
        try {
            return executor.schedule(task, delayNs, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            return null;
        }
    }

    /** Whether the caller is this loop's thread (cores may only be touched from it). */
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
