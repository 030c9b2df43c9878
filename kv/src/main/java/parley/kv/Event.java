package parley.kv;

import java.util.Objects;

/**
 * One change to one key, as a watcher sees it (etcd's {@code mvccpb.Event}).
 *
 * @param type whether the key was written or deleted
 * @param kv for a put the new version; for a delete a {@link KeyValue#tombstone tombstone} carrying
 *     the key and the deleting revision
 * @param prevKv the version before the change, or {@code null} when there was none, when it has
 *     been compacted away, or when the watcher did not ask for it
 */
public record Event(Type type, KeyValue kv, KeyValue prevKv) {
    /** The kind of change. */
    public enum Type {
        PUT,
        DELETE
    }

    public Event {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(kv, "kv");
    }

    /** The revision this change belongs to. */
    public long revision() {
        return kv.modRevision();
    }

    /** This event without its previous version. */
    public Event withoutPrevKv() {
        return prevKv == null ? this : new Event(type, kv, null);
    }
}
