package parley.kv;

import java.util.Collections;
import java.util.NavigableMap;
import java.util.Objects;

/**
 * The keys a request applies to, in etcd's encoding: an empty {@code rangeEnd} means the single key
 * {@code key}; a {@code rangeEnd} of {@code "\0"} means every key {@code >= key}; any other
 * {@code rangeEnd} means the half-open interval {@code [key, rangeEnd)}, empty when
 * {@code rangeEnd <= key}.
 *
 * @param key the first key (inclusive)
 * @param rangeEnd the range end in etcd's encoding (see above)
 */
public record KeyRange(Bytes key, Bytes rangeEnd) {
    public KeyRange {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(rangeEnd, "rangeEnd");
    }

    /** Just {@code key}. */
    public static KeyRange single(Bytes key) {
        return new KeyRange(key, Bytes.EMPTY);
    }

    /** Every key that starts with {@code prefix} (etcd's {@code WithPrefix}). */
    public static KeyRange prefix(Bytes prefix) {
        return new KeyRange(prefix, prefixEnd(prefix));
    }

    /** Every key {@code >= key} (etcd's {@code WithFromKey}). */
    public static KeyRange fromKey(Bytes key) {
        return new KeyRange(key, Bytes.ZERO);
    }

    /** Every key. */
    public static KeyRange all() {
        return new KeyRange(Bytes.ZERO, Bytes.ZERO);
    }

    /**
     * The range end that selects every key with prefix {@code prefix}: the prefix with its last byte
     * below 0xff incremented and everything after dropped. When no such byte exists (the prefix is
     * empty or all 0xff) every key sorts below no finite end, so the answer is {@code "\0"}, "no upper
     * bound". This is etcd's {@code GetPrefixRangeEnd}.
     */
    public static Bytes prefixEnd(Bytes prefix) {
        byte[] end = prefix.bytes();
        for (int i = end.length - 1; i >= 0; i--) {
            if ((end[i] & 0xff) < 0xff) {
                end[i]++;
                byte[] cut = new byte[i + 1];
                System.arraycopy(end, 0, cut, 0, i + 1);
                return new Bytes(cut);
            }
        }
        return Bytes.ZERO;
    }

    /** Whether this names exactly one key. */
    public boolean isSingleKey() {
        return rangeEnd.isEmpty();
    }

    /** Whether this has no upper bound. */
    public boolean isUnbounded() {
        return rangeEnd.equals(Bytes.ZERO);
    }

    /** Whether {@code candidate} lies in this range. */
    public boolean contains(Bytes candidate) {
        if (isSingleKey()) {
            return key.equals(candidate);
        }
        if (candidate.compareTo(key) < 0) {
            return false;
        }
        return isUnbounded() || candidate.compareTo(rangeEnd) < 0;
    }

    /** Whether some key lies in both ranges. */
    public boolean intersects(KeyRange other) {
        if (isSingleKey()) {
            return other.contains(key);
        }
        if (other.isSingleKey()) {
            return contains(other.key);
        }
        boolean thisEndsAfterOtherStarts = isUnbounded() || other.key.compareTo(rangeEnd) < 0;
        boolean otherEndsAfterThisStarts = other.isUnbounded() || key.compareTo(other.rangeEnd) < 0;
        return thisEndsAfterOtherStarts && otherEndsAfterThisStarts && !isEmpty() && !other.isEmpty();
    }

    /** Whether no key can lie in this range. */
    public boolean isEmpty() {
        return !isSingleKey() && !isUnbounded() && rangeEnd.compareTo(key) <= 0;
    }

    /** The entries of {@code map} whose keys lie in this range, as a live view. */
    <V> NavigableMap<Bytes, V> slice(NavigableMap<Bytes, V> map) {
        if (isSingleKey()) {
            return map.subMap(key, true, key, true);
        }
        if (isUnbounded()) {
            return map.tailMap(key, true);
        }
        if (isEmpty()) {
            return Collections.emptyNavigableMap();
        }
        return map.subMap(key, true, rangeEnd, false);
    }

    @Override
    public String toString() {
        if (isSingleKey()) {
            return key.toString();
        }
        return "[" + key + ", " + (isUnbounded() ? "+inf" : rangeEnd.toString()) + ")";
    }
}
