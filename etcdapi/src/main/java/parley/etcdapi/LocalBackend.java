package parley.etcdapi;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import parley.core.Check;
import parley.kv.KvCommand;
import parley.kv.KvError;
import parley.kv.KvResult;
import parley.kv.KvStateMachine;
import parley.kv.LeaseClock;
import parley.kv.WatchRequest;

/**
 * A backend without consensus: one {@link KvStateMachine} on one thread, which applies every write
 * at the next log index the moment it arrives. With a single thread doing everything, every read is
 * linearizable and every watch sees revisions in order. Leases run on a {@link LeaseClock} that this
 * node always leads; a periodic tick applies {@link KvCommand.LeaseExpire} for leases whose deadline
 * passed, exactly as a Raft leader would propose them.
 *
 * <p>For tests of the API and a single-node dev mode; it keeps nothing on disk.
 */
public final class LocalBackend implements EtcdBackend, AutoCloseable {
    private static final long RAFT_TERM = 1;
    private static final long NANOS_PER_MILLI = 1_000_000L;
    private static final long CLOSE_WAIT_MS = 2_000;

    private final LocalBackendConfig config;
    private final LongSupplier clockNs;
    private final ScheduledExecutorService executor;
    private final KvStateMachine stateMachine;
    private final LeaseClock leaseClock;
    private final LocalWatches watches;
    /** The last log index applied; touched on the executor only. */
    private long indexLast;
    private boolean drainScheduled;
    private volatile long revisionLatest;
    private volatile List<String> clientUrls = List.of();

    public LocalBackend(LocalBackendConfig config) {
        this(config, System::nanoTime);
    }

    /** @param clockNs a monotonic clock in nanoseconds, for lease deadlines */
    public LocalBackend(LocalBackendConfig config, LongSupplier clockNs) {
        this.config = config;
        this.clockNs = clockNs;
        this.executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "parley-local-backend");
            thread.setDaemon(true);
            return thread;
        });
        this.stateMachine = new KvStateMachine(config.kvConfig());
        this.leaseClock = new LeaseClock(stateMachine.leases(), config.leaseExpiryRetryMs() * NANOS_PER_MILLI);
        this.leaseClock.onBecameLeader(clockNs.getAsLong());
        this.watches = new LocalWatches(stateMachine.watches(), stateMachine::revision);
        this.revisionLatest = stateMachine.revision();
        executor.scheduleWithFixedDelay(this::expireLeases, config.leaseTickMs(), config.leaseTickMs(),
                TimeUnit.MILLISECONDS);
    }

    /** Sets the client URLs the member list reports, once the server knows its port. */
    public void advertiseClientUrls(List<String> urls) {
        clientUrls = List.copyOf(urls);
    }

    @Override
    public CompletableFuture<KvResult> write(KvCommand command) {
        return submit(() -> apply(command));
    }

    @Override
    public CompletableFuture<KvResult> read(KvCommand command, boolean serializable) {
        // One thread applies and reads, so even a "serializable" read sees every acknowledged write.
        return submit(() -> stateMachine.read(command));
    }

    @Override
    public CompletableFuture<Long> leaseRemainingTtlSeconds(long leaseId) {
        return submit(() -> leaseClock.remainingTtlSeconds(leaseId, clockNs.getAsLong()));
    }

    @Override
    public WatchHandle watch(WatchRequest request, WatchSink sink) {
        LocalWatchHandle handle = new LocalWatchHandle();
        run(() -> {
            handle.watchId = watches.open(request, sink);
            drainWatches();
        });
        return handle;
    }

    /** How many watches are held back now because their client stopped reading. */
    CompletableFuture<Integer> blockedWatches() {
        return submit(watches::blocked);
    }

    @Override
    public ClusterHeader header() {
        return new ClusterHeader(config.clusterId(), config.memberId(), revisionLatest, RAFT_TERM);
    }

    @Override
    public CompletableFuture<List<MemberInfo>> members() {
        return CompletableFuture.completedFuture(List.of(
                new MemberInfo(config.memberId(), config.memberName(), config.peerUrls(), clientUrls, false)));
    }

    @Override
    public CompletableFuture<StatusInfo> status() {
        return submit(() -> new StatusInfo(config.version(), stateMachine.snapshot().length, stateMachine.store().storedBytes(), config.memberId(),
                indexLast, RAFT_TERM, stateMachine.appliedIndex(), false));
    }

    @Override
    public CompletableFuture<Integer> hash() {
        return submit(() -> {
            long hash = stateMachine.hash();
            return (int) (hash ^ (hash >>> 32));
        });
    }

    @Override
    public CompletableFuture<HashKv> hashKv(long revision) {
        return submit(() -> {
            long current = stateMachine.revision();
            long at = revision == 0 ? current : revision;
            if (at > current) throw EtcdErrors.of(KvError.FUTURE_REV);
            if (at < stateMachine.compactRevision()) throw EtcdErrors.of(KvError.COMPACTED);
            return new HashKv(stateMachine.store().hashKv(at), stateMachine.compactRevision(), current);
        });
    }

    /** One state machine in memory: nothing to compact. */
    @Override
    public CompletableFuture<Void> defragment() {
        return submit(() -> null);
    }

    /** The only member leads already; any other target is not a member. */
    @Override
    public CompletableFuture<Void> moveLeader(long targetId) {
        if (targetId == config.memberId()) return CompletableFuture.completedFuture(null);
        return CompletableFuture.failedFuture(new EtcdBackendException(EtcdBackendException.Reason.BAD_LEADER_TRANSFEREE));
    }

    /** Stops the thread after the tasks already queued; later calls fail with "server stopped". */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException interrupted) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Applies {@code command} at the next index; on the executor. */
    private KvResult apply(KvCommand command) {
        long index = indexLast + 1;
        KvResult result = stateMachine.apply(index, command);
        Check.that(stateMachine.appliedIndex() == index, "local backend applies index %d in order", index);
        indexLast = index;
        result = followLeaseClock(result);
        revisionLatest = stateMachine.revision();
        drainWatches();
        return result;
    }

    /**
     * Keeps the lease clock in step with what was applied: a keep-alive renews the deadline (and fails
     * as "lease not found" when the deadline already passed, as etcd's does); a grant starts its
     * deadline now rather than at the next tick.
     */
    private KvResult followLeaseClock(KvResult result) {
        long nowNs = clockNs.getAsLong();
        return switch (result) {
            case KvResult.LeaseKeepAliveResult kept -> {
                long ttlSeconds = leaseClock.keepAlive(kept.id(), nowNs);
                yield ttlSeconds < 0 ? KvResult.Failure.of(kept.revision(), KvError.LEASE_NOT_FOUND)
                        : new KvResult.LeaseKeepAliveResult(kept.revision(), kept.id(), ttlSeconds);
            }
            case KvResult.LeaseGrantResult granted -> {
                leaseClock.remainingTtlSeconds(granted.id(), nowNs);
                yield granted;
            }
            default -> result;
        };
    }

    private void expireLeases() {
        for (long leaseId : leaseClock.expired(clockNs.getAsLong(), config.leaseExpiriesPerTickMax())) {
            apply(new KvCommand.LeaseExpire(leaseId));
        }
    }

    /** Delivers watch responses; while some watch replays history, keeps coming back for more. */
    private void drainWatches() {
        if (watches.drain() && !drainScheduled) {
            drainScheduled = true;
            run(() -> {
                drainScheduled = false;
                drainWatches();
            });
        }
    }

    private <T> CompletableFuture<T> submit(Callable<T> task) {
        CompletableFuture<T> future = new CompletableFuture<>();
        boolean queued = run(() -> {
            try {
                future.complete(task.call());
            } catch (Throwable failure) {
                future.completeExceptionally(failure);
            }
        });
        if (!queued) {
            future.completeExceptionally(new EtcdBackendException(EtcdBackendException.Reason.STOPPED));
        }
        return future;
    }

    private boolean run(Runnable task) {
        try {
            executor.execute(task);
            return true;
        } catch (RejectedExecutionException stopped) {
            return false;
        }
    }

    /** A watch of this backend; its id is known once the executor has opened it. */
    private final class LocalWatchHandle implements WatchHandle {
        /** Set and read on the executor only; tasks run in submission order, so it is set before use. */
        private long watchId;

        @Override
        public void cancel() {
            run(() -> {
                watches.cancel(watchId);
                drainWatches();
            });
        }

        @Override
        public void resume() {
            run(() -> {
                watches.resume(watchId);
                drainWatches();
            });
        }

        @Override
        public CompletableFuture<Long> progressRevision() {
            CompletableFuture<Long> waiter = new CompletableFuture<>();
            if (!run(() -> watches.requestProgress(watchId, waiter))) {
                waiter.completeExceptionally(new EtcdBackendException(EtcdBackendException.Reason.STOPPED));
            }
            return waiter;
        }
    }
}
