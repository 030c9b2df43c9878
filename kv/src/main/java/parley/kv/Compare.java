package parley.kv;

import java.util.Objects;

/**
 * One condition of a {@link KvCommand.Txn}, as etcd's {@code Compare}: a field of every key in a
 * range, compared against an operand. A range compare holds only when it holds for every key in the
 * range; over an empty range, every target except {@link Target#VALUE} compares a zero-valued key
 * (so {@code version(k) == 0} means "k does not exist"), and a VALUE compare is false.
 *
 * @param target which field to compare
 * @param result the comparison that must hold, {@code field <op> operand}
 * @param range the keys whose field is compared
 * @param number the operand for VERSION, CREATE, MOD and LEASE; 0 for VALUE
 * @param value the operand for VALUE; empty otherwise
 */
public record Compare(Target target, Result result, KeyRange range, long number, Bytes value) {
    /** The compared field; the ordinals match etcd's wire enum. */
    public enum Target {
        VERSION,
        CREATE,
        MOD,
        VALUE,
        LEASE
    }

    /** The comparison; the ordinals match etcd's wire enum. */
    public enum Result {
        EQUAL,
        GREATER,
        LESS,
        NOT_EQUAL;

        /** Whether a three-way comparison outcome (negative, zero, positive) satisfies this. */
        boolean holds(int comparison) {
            return switch (this) {
                case EQUAL -> comparison == 0;
                case NOT_EQUAL -> comparison != 0;
                case GREATER -> comparison > 0;
                case LESS -> comparison < 0;
            };
        }
    }

    public Compare {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(range, "range");
        Objects.requireNonNull(value, "value");
        if (target == Target.VALUE ? number != 0 : !value.isEmpty()) {
            throw new IllegalArgumentException("a " + target + " compare carries only its own operand");
        }
    }

    /** {@code version(key) <result> version}. */
    public static Compare version(Bytes key, Result result, long version) {
        return new Compare(Target.VERSION, result, KeyRange.single(key), version, Bytes.EMPTY);
    }

    /** {@code createRevision(key) <result> revision}. */
    public static Compare createRevision(Bytes key, Result result, long revision) {
        return new Compare(Target.CREATE, result, KeyRange.single(key), revision, Bytes.EMPTY);
    }

    /** {@code modRevision(key) <result> revision}. */
    public static Compare modRevision(Bytes key, Result result, long revision) {
        return new Compare(Target.MOD, result, KeyRange.single(key), revision, Bytes.EMPTY);
    }

    /** {@code value(key) <result> value}, unsigned lexicographic. */
    public static Compare value(Bytes key, Result result, Bytes value) {
        return new Compare(Target.VALUE, result, KeyRange.single(key), 0, value);
    }

    /** {@code lease(key) <result> leaseId}. */
    public static Compare lease(Bytes key, Result result, long leaseId) {
        return new Compare(Target.LEASE, result, KeyRange.single(key), leaseId, Bytes.EMPTY);
    }

    /** This compare applied to every key of {@code keys} instead. */
    public Compare over(KeyRange keys) {
        return new Compare(target, result, keys, number, value);
    }

    /** Whether {@code kv} (a live version, or null for a missing key) satisfies this compare. */
    boolean holdsFor(KeyValue kv) {
        if (kv == null) {
            return target != Target.VALUE && result.holds(Long.compare(0, number));
        }
        int comparison = switch (target) {
            case VERSION -> Long.compare(kv.version(), number);
            case CREATE -> Long.compare(kv.createRevision(), number);
            case MOD -> Long.compare(kv.modRevision(), number);
            case LEASE -> Long.compare(kv.lease(), number);
            case VALUE -> kv.value().compareTo(value);
        };
        return result.holds(comparison);
    }
}
