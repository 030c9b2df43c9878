package parley.kv;

/**
 * One stored change: a new version of a key, or its deletion. The store keeps these by revision
 * (for watch replay) and per key (for reads at a revision).
 *
 * @param revision where the change sits in history
 * @param type put or delete
 * @param kv the new version, or for a delete the {@link KeyValue#tombstone tombstone}
 */
record Mutation(Revision revision, Event.Type type, KeyValue kv) {
    boolean isPut() {
        return type == Event.Type.PUT;
    }

    /** The version a reader sees after this change: the new version, or nothing after a delete. */
    KeyValue liveValue() {
        return isPut() ? kv : null;
    }
}
