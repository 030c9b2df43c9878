package parley.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import parley.core.Check;

/**
 * Writes that an engine applies together, in the order they were added. The batch copies nothing:
 * the caller does not change an array after adding it.
 */
public final class WriteBatch {
    /** One write. {@code value} is null for deletes; {@code rangeEnd} is set only for range deletes. */
    public record Op(Kind kind, byte[] key, byte[] value, byte[] rangeEnd) {}

    public enum Kind { PUT, DELETE, DELETE_RANGE }

    private final List<Op> ops = new ArrayList<>();
    private long bytes;

    public WriteBatch put(byte[] key, byte[] value) {
        Check.that(key != null && value != null, "a put names a key and a value");
        ops.add(new Op(Kind.PUT, key, value, null));
        bytes += key.length + value.length;
        return this;
    }

    public WriteBatch delete(byte[] key) {
        Check.that(key != null, "a delete names a key");
        ops.add(new Op(Kind.DELETE, key, null, null));
        bytes += key.length;
        return this;
    }

    /** Deletes every key in {@code [from, to)}. */
    public WriteBatch deleteRange(byte[] from, byte[] to) {
        Check.that(from != null && to != null, "a range delete names both ends");
        ops.add(new Op(Kind.DELETE_RANGE, from, null, to));
        bytes += from.length + to.length;
        return this;
    }

    public List<Op> ops() {
        return Collections.unmodifiableList(ops);
    }

    public int size() {
        return ops.size();
    }

    public boolean isEmpty() {
        return ops.isEmpty();
    }

    /** Key and value bytes the batch carries, so callers can cut long work into bounded batches. */
    public long bytes() {
        return bytes;
    }

    public void clear() {
        ops.clear();
        bytes = 0;
    }
}
