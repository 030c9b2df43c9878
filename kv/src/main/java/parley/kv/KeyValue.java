package parley.kv;

import java.util.Objects;

/**
 * One version of a key, as etcd's {@code mvccpb.KeyValue}.
 *
 * @param key the key
 * @param createRevision the revision of the put that created the key's current generation (the put
 *     after its last delete); 0 in a deletion event
 * @param modRevision the revision of the change that produced this version
 * @param version 1 for the put that created the generation, +1 for each later put; 0 in a deletion
 *     event
 * @param value the value; empty in a deletion event
 * @param lease the id of the lease the key is attached to, 0 for none
 */
public record KeyValue(Bytes key, long createRevision, long modRevision, long version, Bytes value, long lease) {
    public KeyValue {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    /** What a deletion event carries, as in etcd: the key and the deleting revision, nothing else. */
    public static KeyValue tombstone(Bytes key, long modRevision) {
        return new KeyValue(key, 0, modRevision, 0, Bytes.EMPTY, 0);
    }

    /** This version without its value, for etcd's {@code keys_only}. */
    public KeyValue withoutValue() {
        return value.isEmpty() ? this : new KeyValue(key, createRevision, modRevision, version, Bytes.EMPTY, lease);
    }
}
