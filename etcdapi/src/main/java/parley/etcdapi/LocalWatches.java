package parley.etcdapi;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import parley.kv.WatchHub;
import parley.kv.WatchRequest;
import parley.kv.WatchResponse;

/**
 * Routes what a {@link WatchHub} produces to the sinks of the watches it belongs to, and answers
 * progress requests once a watch has been sent everything up to a revision. Confined to the
 * {@link LocalBackend}'s thread, like the hub.
 */
final class LocalWatches {
    private final WatchHub hub;
    private final LongSupplier revisionCurrent;
    private final Map<Long, WatchSink> sinksById = new HashMap<>();
    private final Map<Long, List<CompletableFuture<Long>>> progressWaitersById = new HashMap<>();

    LocalWatches(WatchHub hub, LongSupplier revisionCurrent) {
        this.hub = hub;
        this.revisionCurrent = revisionCurrent;
    }

    /** Starts a watch; its created notice goes out with the next {@link #drain()}. */
    long open(WatchRequest request, WatchSink sink) {
        long watchId = hub.watch(request);
        sinksById.put(watchId, sink);
        return watchId;
    }

    void cancel(long watchId) {
        hub.cancel(watchId);
    }

    void resume(long watchId) {
        hub.unblock(watchId);
    }

    void requestProgress(long watchId, CompletableFuture<Long> waiter) {
        progressWaitersById.computeIfAbsent(watchId, unused -> new ArrayList<>()).add(waiter);
        answerProgress();
    }

    /** Hands every ready response to its sink; returns whether a watch is still replaying history. */
    boolean drain() {
        for (WatchResponse response : hub.drain()) {
            deliver(response);
        }
        answerProgress();
        return hub.catchingUp();
    }

    int size() {
        return sinksById.size();
    }

    /** Watches held back because their sink stopped taking responses. */
    int blocked() {
        return hub.blockedWatchers();
    }

    private void deliver(WatchResponse response) {
        WatchSink sink = response.canceled() ? sinksById.remove(response.watchId()) : sinksById.get(response.watchId());
        if (sink == null) {
            return;
        }
        try {
            if (!sink.onResponse(response) && !response.canceled()) {
                hub.block(response.watchId());
            }
        } catch (RuntimeException broken) {
            // A sink that throws has lost its client; stop feeding it rather than the whole backend.
            sinksById.remove(response.watchId());
            hub.cancel(response.watchId());
        }
    }

    /** Completes the progress waiters of every watch that is up to date, or that has ended. */
    private void answerProgress() {
        Iterator<Map.Entry<Long, List<CompletableFuture<Long>>>> entries = progressWaitersById.entrySet().iterator();
        while (entries.hasNext()) {
            Map.Entry<Long, List<CompletableFuture<Long>>> entry = entries.next();
            long watchId = entry.getKey();
            long revision;
            if (!sinksById.containsKey(watchId)) {
                revision = revisionCurrent.getAsLong();
            } else {
                var progress = hub.progress(watchId);
                if (progress.isEmpty()) {
                    continue; // still catching up: answer after a later drain
                }
                revision = progress.get().revision();
            }
            entry.getValue().forEach(waiter -> waiter.complete(revision));
            entries.remove();
        }
    }
}
