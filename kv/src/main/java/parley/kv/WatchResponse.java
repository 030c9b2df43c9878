package parley.kv;

import java.util.List;
import java.util.Objects;

/**
 * One message for one watcher, shaped like etcd's {@code WatchResponse} so the gRPC server maps it
 * field by field. Exactly one of these holds: it announces the watch ({@code created}), carries
 * events, reports progress (no events, not created, not canceled), or ends the watch
 * ({@code canceled}, with {@code compactRevision} set when history was compacted away).
 *
 * @param watchId the watch this belongs to
 * @param revision the store revision when the response was made (etcd's header revision); every
 *     event in it is at or below this
 * @param events whole revisions of events, oldest first, never splitting a revision
 * @param created this announces a new watch
 * @param canceled the watch has ended; no more responses follow for it
 * @param compactRevision when canceled for compaction, the oldest revision a new watch may start at
 * @param cancelReason why the watch ended, empty if it did not
 */
public record WatchResponse(long watchId, long revision, List<Event> events, boolean created, boolean canceled,
        long compactRevision, String cancelReason) {
    public WatchResponse {
        events = List.copyOf(events);
        Objects.requireNonNull(cancelReason, "cancelReason");
    }

    static WatchResponse created(long watchId, long revision) {
        return new WatchResponse(watchId, revision, List.of(), true, false, 0, "");
    }

    static WatchResponse events(long watchId, long revision, List<Event> events) {
        return new WatchResponse(watchId, revision, events, false, false, 0, "");
    }

    static WatchResponse progress(long watchId, long revision) {
        return new WatchResponse(watchId, revision, List.of(), false, false, 0, "");
    }

    /** Watch {@code watchId} ended at {@code revision} for {@code reason} (sent once, last). */
    public static WatchResponse canceled(long watchId, long revision, String reason) {
        return new WatchResponse(watchId, revision, List.of(), false, true, 0, reason);
    }

    static WatchResponse compacted(long watchId, long revision, long compactRevision) {
        return new WatchResponse(watchId, revision, List.of(), false, true, compactRevision,
                KvError.COMPACTED.grpcMessage());
    }

    /** Whether this is a progress notification: no events, neither created nor canceled. */
    public boolean isProgressNotify() {
        return events.isEmpty() && !created && !canceled;
    }
}
