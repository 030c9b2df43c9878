package parley.wal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The syncer thread. It sleeps until a sync is requested, asks the log for the active channel and
 * the number of records written so far, fsyncs, then completes every request that fsync covers, in
 * request order, by handing its callback to the completion executor. Requests that arrive while an
 * fsync runs wait for the next one, which covers all of them: one fsync per round however many
 * writers asked (group commit).
 *
 * <p>Only this thread dispatches completions of requests made here, so they reach the executor in
 * request order. After a failure (or {@link #halt()}) nothing is ever completed again. While it is
 * {@link #idle()}, the log's owner may fsync on its own thread instead
 * ({@link WriteAheadLog#syncInline()} through {@link #syncOnCaller}).
 */
final class GroupCommit {
    private static final System.Logger LOG = System.getLogger(GroupCommit.class.getName());

    /** What the log offers the syncer. */
    interface Source {
        /** The channel to fsync and the record count it will make durable, or null when the log stopped. */
        SyncPoint syncPoint();

        /** An fsync failed: the log must fail. */
        void fsyncFailed(Path segment, IOException cause);
    }

    /** Forcing {@code channel} makes every record before {@code seqEnd} durable. */
    record SyncPoint(Path segment, FileChannel channel, long seqEnd) {}

    private record Waiter(long seqEnd, Runnable onDurable) {}

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private final Executor executor;
    private final WalObserver observer;
    private final Source source;
    private final Thread thread;
    private long durableSeqEnd;
    private boolean halted;
    /** Between taking requests and handing out their completions: an fsync is this thread's now. */
    private boolean working;
    private long syncRequests;
    private long fsyncCount;
    private long fsyncLatencyNsTotal;
    private long fsyncLatencyNsMax;

    GroupCommit(String threadName, long durableSeqEnd, Executor executor, WalObserver observer, Source source) {
        this.durableSeqEnd = durableSeqEnd;
        this.executor = executor;
        this.observer = observer;
        this.source = source;
        this.thread = Thread.ofPlatform().name(threadName).daemon(true).unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    /** Completes {@code onDurable} once every record before {@code seqEnd} is durable. */
    void request(long seqEnd, Runnable onDurable) {
        lock.lock();
        try {
            if (halted) throw new IllegalStateException("group commit halted");
            waiters.addLast(new Waiter(seqEnd, onDurable));
            syncRequests++;
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Stops for good: pending and later requests never complete. Does not wait for the thread. */
    void halt() {
        lock.lock();
        try {
            halted = true;
            waiters.clear();
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Halts and waits for the thread (unless called from it). */
    void stop() {
        halt();
        if (Thread.currentThread() == thread) return;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** No request is waiting and none is being served: the syncer will not touch the log until asked. */
    boolean idle() {
        lock.lock();
        try {
            return !halted && waiters.isEmpty() && !working;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs one fsync of {@code point} on the caller's thread, exactly as this thread would (counted,
     * observed, failing the log on error), for an owner that syncs inline while this is {@link #idle()}.
     *
     * @return false when the fsync failed (the log has failed and this is halted)
     */
    boolean syncOnCaller(SyncPoint point) {
        if (!fsync(point)) return false;
        lock.lock();
        try {
            durableSeqEnd = Math.max(durableSeqEnd, point.seqEnd());
        } finally {
            lock.unlock();
        }
        return true;
    }

    long durableSeqEnd() {
        lock.lock();
        try {
            return durableSeqEnd;
        } finally {
            lock.unlock();
        }
    }

    /** Fills the fsync fields of {@code stats} (records and bytes come from the log). */
    WalStats stats(long recordsAppended, long bytesAppended) {
        lock.lock();
        try {
            return new WalStats(recordsAppended, bytesAppended, fsyncCount, fsyncLatencyNsTotal, fsyncLatencyNsMax, syncRequests);
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (awaitWork()) {
            SyncPoint point = source.syncPoint();
            if (point == null) {
                halt();
                return;
            }
            if (!fsync(point)) return;
            List<Waiter> ready = takeCovered(point.seqEnd());
            if (ready == null) return;
            for (Waiter waiter : ready) dispatch(waiter);
            lock.lock();
            try {
                working = false;
            } finally {
                lock.unlock();
            }
        }
    }

    /** Waits for a request; false once halted. */
    private boolean awaitWork() {
        lock.lock();
        try {
            while (!halted && waiters.isEmpty()) work.awaitUninterruptibly();
            working = !halted;
            return !halted;
        } finally {
            lock.unlock();
        }
    }

    /** Forces the channel unless everything it would cover is already durable; false on failure. */
    private boolean fsync(SyncPoint point) {
        long covered = point.seqEnd() - durableSeqEnd();
        if (covered <= 0) return true;
        long startNs = System.nanoTime();
        try {
            point.channel().force(false);
        } catch (IOException e) {
            source.fsyncFailed(point.segment(), e);
            halt();
            return false;
        }
        long latencyNs = System.nanoTime() - startNs;
        lock.lock();
        try {
            fsyncCount++;
            fsyncLatencyNsTotal += latencyNs;
            fsyncLatencyNsMax = Math.max(fsyncLatencyNsMax, latencyNs);
        } finally {
            lock.unlock();
        }
        try {
            observer.onFsync(latencyNs, covered);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "WAL observer failed on fsync", e);
        }
        return true;
    }

    /** Marks records before {@code seqEnd} durable and removes the requests that covers; null when halted. */
    private List<Waiter> takeCovered(long seqEnd) {
        lock.lock();
        try {
            if (halted) return null;
            durableSeqEnd = Math.max(durableSeqEnd, seqEnd);
            List<Waiter> ready = new ArrayList<>();
            while (!waiters.isEmpty() && waiters.peekFirst().seqEnd() <= durableSeqEnd) ready.add(waiters.pollFirst());
            return ready;
        } finally {
            lock.unlock();
        }
    }

    private void dispatch(Waiter waiter) {
        try {
            executor.execute(waiter.onDurable());
        } catch (RejectedExecutionException e) {
            LOG.log(System.Logger.Level.DEBUG, "sync completion rejected by a stopped executor");
        }
    }
}
