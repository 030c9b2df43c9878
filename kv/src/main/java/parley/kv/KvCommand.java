package parley.kv;

import java.util.List;
import java.util.Objects;

/**
 * A request to the replicated store, as it travels through the Raft log (encoded by {@link KvCodec}).
 * Every replica applies the same commands in the same order and so reaches the same state. The
 * records mirror etcd's v3 requests field by field, so the gRPC server maps them one to one.
 *
 * <p>{@link Op}s are the requests that may also appear inside a {@link Txn}.
 */
public sealed interface KvCommand {

    /** A request that may appear inside a transaction as well as on its own. */
    sealed interface Op extends KvCommand permits Range, Put, DeleteRange, Txn {}

    /** The order of a sorted range; ordinals match etcd's wire enum. */
    enum SortOrder {
        NONE,
        ASCEND,
        DESCEND
    }

    /** The field a range is sorted by; ordinals match etcd's wire enum. */
    enum SortTarget {
        KEY,
        VERSION,
        CREATE,
        MOD,
        VALUE
    }

    /**
     * Reads keys, as etcd's {@code RangeRequest}. Through the log it is a linearizable read; the
     * server may also answer it locally with {@link KvStateMachine#read}.
     *
     * @param range the keys
     * @param revision the revision to read at; 0 or less for the current one
     * @param limit at most this many keys; 0 or less for no limit
     * @param sortOrder how to order the result (NONE: by key)
     * @param sortTarget the field to sort by
     * @param keysOnly return keys without values
     * @param countOnly return only the count
     * @param minModRevision drop keys modified before this (0: no bound)
     * @param maxModRevision drop keys modified after this (0: no bound)
     * @param minCreateRevision drop keys created before this (0: no bound)
     * @param maxCreateRevision drop keys created after this (0: no bound)
     */
    record Range(KeyRange range, long revision, long limit, SortOrder sortOrder, SortTarget sortTarget,
            boolean keysOnly, boolean countOnly, long minModRevision, long maxModRevision,
            long minCreateRevision, long maxCreateRevision) implements Op {
        public Range {
            Objects.requireNonNull(range, "range");
            Objects.requireNonNull(sortOrder, "sortOrder");
            Objects.requireNonNull(sortTarget, "sortTarget");
        }

        /** Reads {@code range} at the current revision with no options. */
        public static Range of(KeyRange range) {
            return new Range(range, 0, 0, SortOrder.NONE, SortTarget.KEY, false, false, 0, 0, 0, 0);
        }

        /** This read at {@code atRevision}. */
        public Range atRevision(long atRevision) {
            return new Range(range, atRevision, limit, sortOrder, sortTarget, keysOnly, countOnly,
                    minModRevision, maxModRevision, minCreateRevision, maxCreateRevision);
        }

        /** This read returning at most {@code maxKeys} keys. */
        public Range withLimit(long maxKeys) {
            return new Range(range, revision, maxKeys, sortOrder, sortTarget, keysOnly, countOnly,
                    minModRevision, maxModRevision, minCreateRevision, maxCreateRevision);
        }

        /** This read sorted by {@code target} in {@code order}. */
        public Range sortedBy(SortTarget target, SortOrder order) {
            return new Range(range, revision, limit, order, target, keysOnly, countOnly,
                    minModRevision, maxModRevision, minCreateRevision, maxCreateRevision);
        }

        /** This read with the keys-only and count-only flags set as given. */
        public Range withFlags(boolean onlyKeys, boolean onlyCount) {
            return new Range(range, revision, limit, sortOrder, sortTarget, onlyKeys, onlyCount,
                    minModRevision, maxModRevision, minCreateRevision, maxCreateRevision);
        }

        /** This read keeping only keys whose mod and create revisions lie in the bounds (0: none). */
        public Range withRevisionBounds(long minMod, long maxMod, long minCreate, long maxCreate) {
            return new Range(range, revision, limit, sortOrder, sortTarget, keysOnly, countOnly,
                    minMod, maxMod, minCreate, maxCreate);
        }
    }

    /**
     * Writes one key, as etcd's {@code PutRequest}.
     *
     * @param key the key; must not be empty
     * @param value the value; must be empty when {@code ignoreValue}
     * @param lease the lease to attach the key to (0: none); must be 0 when {@code ignoreLease}
     * @param prevKv return the version this put replaced
     * @param ignoreValue keep the current value (the key must exist)
     * @param ignoreLease keep the current lease (the key must exist)
     */
    record Put(Bytes key, Bytes value, long lease, boolean prevKv, boolean ignoreValue, boolean ignoreLease)
            implements Op {
        public Put {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }

        /** A plain put with no lease. */
        public static Put of(Bytes key, Bytes value) {
            return new Put(key, value, 0, false, false, false);
        }

        /** A put attaching the key to {@code leaseId}. */
        public static Put withLease(Bytes key, Bytes value, long leaseId) {
            return new Put(key, value, leaseId, false, false, false);
        }

        /** This put, returning the replaced version. */
        public Put returningPrevKv() {
            return new Put(key, value, lease, true, ignoreValue, ignoreLease);
        }
    }

    /**
     * Deletes the live keys of a range in one revision, as etcd's {@code DeleteRangeRequest}.
     *
     * @param range the keys
     * @param prevKv return the deleted versions
     */
    record DeleteRange(KeyRange range, boolean prevKv) implements Op {
        public DeleteRange {
            Objects.requireNonNull(range, "range");
        }

        public static DeleteRange of(KeyRange range) {
            return new DeleteRange(range, false);
        }
    }

    /**
     * A conditional multi-operation, as etcd's {@code TxnRequest}: if every compare holds, the
     * success ops run, else the failure ops; all writes share one revision, and each op sees the
     * writes of the ops before it. Compares, nested ones included, are all evaluated against the
     * state before the transaction.
     *
     * @param compares the conditions
     * @param success the ops to run when all compares hold
     * @param failure the ops to run otherwise
     */
    record Txn(List<Compare> compares, List<Op> success, List<Op> failure) implements Op {
        public Txn {
            compares = List.copyOf(compares);
            success = List.copyOf(success);
            failure = List.copyOf(failure);
        }
    }

    /**
     * Discards history below {@code revision}, as etcd's {@code CompactionRequest}.
     *
     * @param revision the new compact revision; reads at it still work, reads below fail
     */
    record Compact(long revision) implements KvCommand {}

    /**
     * Creates a lease, as etcd's {@code LeaseGrantRequest}.
     *
     * @param id the lease id, or 0 to let the store pick the next free id
     * @param ttlSeconds the time to live; raised to the configured minimum
     */
    record LeaseGrant(long id, long ttlSeconds) implements KvCommand {}

    /** Revokes a lease and deletes its keys in one revision, as etcd's {@code LeaseRevokeRequest}. */
    record LeaseRevoke(long id) implements KvCommand {}

    /**
     * Revokes a lease whose deadline passed. Only the leader's {@link LeaseClock} decides that a lease
     * expired, and the decision travels through the log like any write so every replica deletes the
     * same keys at the same revision. Applied exactly like {@link LeaseRevoke}; kept apart so traces
     * and checkers can tell a client's revoke from an expiry.
     */
    record LeaseExpire(long id) implements KvCommand {}

    /**
     * Confirms through the log that a lease exists and reports its TTL; the leader then renews its
     * deadline in its {@link LeaseClock}. (Deadlines are not replicated state.)
     */
    record LeaseKeepAlive(long id) implements KvCommand {}

    /**
     * Reads a lease's granted TTL and, when asked, its keys, as etcd's {@code LeaseTimeToLiveRequest}
     * (the remaining TTL is the leader's to add, from its {@link LeaseClock}).
     */
    record LeaseTimeToLive(long id, boolean keys) implements KvCommand {}

    /** Lists the ids of all leases, as etcd's {@code LeaseLeasesRequest}. */
    record LeaseList() implements KvCommand {}
}
