package parley.kv;

import java.util.Objects;

/**
 * What a client asks to watch, as etcd's {@code WatchCreateRequest}.
 *
 * @param range the keys to watch
 * @param startRevision the first revision to report; 0 for "the next revision"; a revision in the
 *     past replays history first and fails when it lies below the compact revision
 * @param prevKv include each event's previous version (when still retained)
 * @param noPut leave out put events
 * @param noDelete leave out delete events
 */
public record WatchRequest(KeyRange range, long startRevision, boolean prevKv, boolean noPut, boolean noDelete) {
    public WatchRequest {
        Objects.requireNonNull(range, "range");
        if (startRevision < 0) {
            throw new IllegalArgumentException("startRevision must not be negative: " + startRevision);
        }
    }

    /** Watches {@code range} from {@code startRevision} (0: from the next one), all events, no prevKv. */
    public static WatchRequest of(KeyRange range, long startRevision) {
        return new WatchRequest(range, startRevision, false, false, false);
    }

    /** This request with previous versions included. */
    public WatchRequest withPrevKv() {
        return new WatchRequest(range, startRevision, true, noPut, noDelete);
    }

    /** Whether the watcher wants {@code event}. */
    boolean wants(Event event) {
        if (!range.contains(event.kv().key())) {
            return false;
        }
        return event.type() == Event.Type.PUT ? !noPut : !noDelete;
    }
}
