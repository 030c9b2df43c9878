package parley.etcdapi;

import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One client's bidirectional watch stream, which may carry many watches, as etcd's {@code serverWatchStream}.
 *
 * <p>Requests: create (a watch on a key or range, from a start revision, with prev_kv, filters and
 * periodic progress notices), cancel (by watch id), progress (one notice for the whole stream).
 * Responses come from the backend's sinks on its threads and from progress timers, so everything that
 * touches the outgoing stream or the watch table holds this object's lock. Created responses go out in
 * the order the creates came in, which clientv3 relies on to match them to its requests.
 *
 * <p>A stream-wide progress notice has watch id -1 (etcd 3.4's "not associated with any watch") and
 * is sent only once every watch on the stream has sent everything up to its revision.
 *
 * <p>Flow control: gRPC says when the client is not reading fast enough ({@code isReady()} turns
 * false once some 32 KiB wait to go out). Each watch whose response found the stream not ready is
 * told to wait (the sink answers false), so the backend sends it nothing more; when the stream is
 * ready again every waiting watch resumes and gets what it missed, from the backend's bounded buffer
 * or from history. Progress requests made while the stream is not ready are answered once, when it
 * is. So a client that never reads holds at most about one response per watch here, however fast
 * the keys it watches change.
 */
final class WatchStream implements StreamObserver<WatchRequest> {
    /** etcd's watch id for responses that belong to no single watch. */
    static final long WATCH_ID_NONE = -1;

    private final Replies replies;
    private final ScheduledExecutorService timer;
    private final ServerCallStreamObserver<WatchResponse> out;
    private final Consumer<WatchStream> onClosed;
    /** Every watch opened and not yet ended, in creation order. */
    private final Set<Watch> watches = new LinkedHashSet<>();
    private final Map<Long, Watch> watchesById = new HashMap<>();
    private ScheduledFuture<?> progressTimer;
    private boolean closed;
    /** A progress request came while the stream was not ready: answer it when it is. */
    private boolean progressWanted;

    /** One watch on this stream. */
    private static final class Watch {
        final boolean progressNotify;
        WatchHandle handle;
        long watchId = WATCH_ID_NONE;
        boolean eventsSinceProgressTick;
        /** Its sink answered false: the backend holds its responses until {@link WatchHandle#resume()}. */
        boolean waiting;

        Watch(boolean progressNotify) {
            this.progressNotify = progressNotify;
        }
    }

    WatchStream(Replies replies, ScheduledExecutorService timer, ServerCallStreamObserver<WatchResponse> out,
            Consumer<WatchStream> onClosed) {
        this.replies = replies;
        this.timer = timer;
        this.out = out;
        this.onClosed = onClosed;
    }

    @Override
    public void onNext(WatchRequest request) {
        if (request.getSerializedSize() > replies.config().requestBytesMax()) {
            abort(EtcdErrors.of(EtcdBackendException.Reason.REQUEST_TOO_LARGE));
            return;
        }
        switch (request.getRequestUnionCase()) {
            case CREATE_REQUEST -> create(request.getCreateRequest());
            case CANCEL_REQUEST -> cancel(request.getCancelRequest().getWatchId());
            case PROGRESS_REQUEST -> progressAll();
            case REQUESTUNION_NOT_SET -> { } // etcd ignores an empty request too
        }
    }

    @Override
    public void onError(Throwable clientError) {
        close();
    }

    @Override
    public void onCompleted() {
        if (close()) {
            try {
                out.onCompleted();
            } catch (RuntimeException alreadyOver) {
                // the call ended first
            }
        }
    }

    /**
     * gRPC's on-ready callback: the client reads again. Every watch told to wait resumes, and a
     * progress request held back is answered.
     */
    void onReady() {
        boolean answerProgress;
        synchronized (this) {
            if (closed || !out.isReady()) {
                return;
            }
            for (Watch watch : watches) {
                if (watch.waiting) {
                    watch.waiting = false;
                    watch.handle.resume();
                }
            }
            answerProgress = progressWanted;
            progressWanted = false;
        }
        if (answerProgress) {
            progressAll();
        }
    }

    /** The client went away (canceled the call or lost the connection). */
    void onClientGone() {
        close();
    }

    /** Ends the stream from the server side with {@code error}, e.g. when the server stops. */
    void abort(StatusRuntimeException error) {
        if (close()) {
            Replies.fail(out, error);
        }
    }

    private void create(WatchCreateRequest create) {
        parley.kv.WatchRequest request;
        try {
            request = RequestMapper.watch(create);
        } catch (StatusRuntimeException malformed) {
            send(WatchResponse.newBuilder().setHeader(replies.header()).setWatchId(WATCH_ID_NONE).setCreated(true)
                    .setCanceled(true).setCancelReason(malformed.getStatus().getDescription()).build());
            return;
        }
        Watch watch = new Watch(create.getProgressNotify());
        synchronized (this) {
            if (closed) {
                return;
            }
            watches.add(watch);
            // The sink may run before watch() returns; it then waits for this lock, so the handle is set.
            try {
                watch.handle = replies.backend().watch(request, response -> onBackendResponse(watch, response));
            } catch (StatusRuntimeException refused) {
                // The backend cannot serve this watch (it spans keyspaces, say): refused like a malformed one.
                watches.remove(watch);
                send(WatchResponse.newBuilder().setHeader(replies.header()).setWatchId(WATCH_ID_NONE).setCreated(true)
                        .setCanceled(true).setCancelReason(refused.getStatus().getDescription()).build());
                return;
            }
            if (watch.progressNotify && progressTimer == null) {
                long intervalMs = replies.config().watchProgressNotifyIntervalMs();
                progressTimer = timer.scheduleAtFixedRate(this::progressTick, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
            }
        }
    }

    private synchronized void cancel(long watchId) {
        Watch watch = watchesById.get(watchId);
        if (watch != null && !closed) {
            watch.handle.cancel(); // the canceled response arrives through the sink
        }
    }

    /** Sends one response of {@code watch}; returns whether the stream can take more now (see the class comment). */
    private synchronized boolean onBackendResponse(Watch watch, parley.kv.WatchResponse response) {
        if (closed) {
            return true; // nothing more goes out; the backend's watch is being canceled
        }
        if (response.created()) {
            watch.watchId = response.watchId();
            watchesById.put(response.watchId(), watch);
        }
        if (response.canceled()) {
            watchesById.remove(response.watchId());
            watches.remove(watch);
        }
        if (!response.events().isEmpty()) {
            watch.eventsSinceProgressTick = true;
        }
        send(ResponseMapper.watch(replies.backend().header(), response));
        if (closed || response.canceled() || out.isReady()) {
            return true;
        }
        watch.waiting = true;
        return false;
    }

    /** Answers a progress request once every watch has caught up, at the oldest revision among them. */
    private void progressAll() {
        List<CompletableFuture<Long>> revisions = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            if (!out.isReady()) {
                progressWanted = true; // one answer when the client reads again, however many requests came
                return;
            }
            for (Watch watch : watches) {
                revisions.add(watch.handle.progressRevision());
            }
        }
        if (revisions.isEmpty()) {
            send(progressNotice(WATCH_ID_NONE, replies.backend().header().revision()));
            return;
        }
        CompletableFuture.allOf(revisions.toArray(CompletableFuture[]::new)).whenComplete((unused, failure) -> {
            if (failure == null) {
                long revisionMin = revisions.stream().mapToLong(CompletableFuture::join).min().orElseThrow();
                send(progressNotice(WATCH_ID_NONE, revisionMin));
            }
        });
    }

    /** etcd's periodic progress notify: to each watch that asked for it and had no events since the last tick. */
    private synchronized void progressTick() {
        if (closed) {
            return;
        }
        for (Watch watch : watches) {
            if (watch.progressNotify && watch.watchId != WATCH_ID_NONE && !watch.eventsSinceProgressTick && !watch.waiting) {
                long watchId = watch.watchId;
                watch.handle.progressRevision().thenAccept(revision -> sendProgressIfOpen(watch, watchId, revision));
            }
            watch.eventsSinceProgressTick = false;
        }
    }

    private synchronized void sendProgressIfOpen(Watch watch, long watchId, long revision) {
        if (watches.contains(watch)) {
            send(progressNotice(watchId, revision));
        }
    }

    private WatchResponse progressNotice(long watchId, long revision) {
        return WatchResponse.newBuilder().setHeader(replies.header(revision)).setWatchId(watchId).build();
    }

    private synchronized void send(WatchResponse response) {
        if (closed) {
            return;
        }
        try {
            out.onNext(response);
        } catch (RuntimeException clientGone) {
            close();
        }
    }

    /** Cancels every watch and the timer; returns whether this call closed the stream. */
    private synchronized boolean close() {
        if (closed) {
            return false;
        }
        closed = true;
        if (progressTimer != null) {
            progressTimer.cancel(false);
        }
        for (Watch watch : watches) {
            watch.handle.cancel();
        }
        watches.clear();
        watchesById.clear();
        onClosed.accept(this);
        return true;
    }
}
