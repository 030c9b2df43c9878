package parley.kv;

import java.util.List;
import java.util.Objects;

/**
 * The answer to a {@link KvCommand}, as it travels back from {@code apply} (encoded by
 * {@link KvCodec}). Each result carries {@code revision}, the store revision etcd puts in the
 * response header: after a write, the revision the write created; otherwise the current one.
 *
 * <p>{@link OpResult}s are the answers that may also appear inside a {@link TxnResult}.
 */
public sealed interface KvResult {
    /** The store revision after the command, for the response header. */
    long revision();

    /** The answer to a {@link KvCommand.Op}. */
    sealed interface OpResult extends KvResult permits RangeResult, PutResult, DeleteRangeResult, TxnResult {}

    /**
     * The answer to a range read.
     *
     * @param kvs the keys read, at most the limit
     * @param more whether the limit cut keys off
     * @param count how many keys the range held at the read revision, before limit and filters
     */
    record RangeResult(long revision, List<KeyValue> kvs, boolean more, long count) implements OpResult {
        public RangeResult {
            kvs = List.copyOf(kvs);
        }
    }

    /** The answer to a put. @param prevKv the replaced version when asked for and present, else null */
    record PutResult(long revision, KeyValue prevKv) implements OpResult {}

    /**
     * The answer to a delete range.
     *
     * @param deleted how many live keys were deleted
     * @param prevKvs the deleted versions when asked for, else empty
     */
    record DeleteRangeResult(long revision, long deleted, List<KeyValue> prevKvs) implements OpResult {
        public DeleteRangeResult {
            prevKvs = List.copyOf(prevKvs);
        }
    }

    /**
     * The answer to a transaction.
     *
     * @param succeeded whether all compares held (so the success ops ran)
     * @param responses one result per op that ran, in order
     */
    record TxnResult(long revision, boolean succeeded, List<OpResult> responses) implements OpResult {
        public TxnResult {
            responses = List.copyOf(responses);
        }
    }

    /** The answer to a compaction: the current revision, which compaction leaves alone. */
    record CompactResult(long revision) implements KvResult {}

    /** The answer to a lease grant. @param ttlSeconds the granted TTL, after raising it to the configured minimum */
    record LeaseGrantResult(long revision, long id, long ttlSeconds) implements KvResult {}

    /** The answer to both {@link KvCommand.LeaseRevoke} and {@link KvCommand.LeaseExpire}. */
    record LeaseRevokeResult(long revision) implements KvResult {}

    /** The answer to a keep-alive through the log. @param ttlSeconds the granted TTL, which the leader's deadline is renewed by */
    record LeaseKeepAliveResult(long revision, long id, long ttlSeconds) implements KvResult {}

    /**
     * The answer to a time-to-live query.
     *
     * @param grantedTtlSeconds the TTL the lease was granted with (etcd's {@code grantedTTL}); the
     *     remaining TTL comes from the leader's {@link LeaseClock}
     * @param keys the attached keys in key order when asked for, else empty
     */
    record LeaseTimeToLiveResult(long revision, long id, long grantedTtlSeconds, List<Bytes> keys)
            implements KvResult {
        public LeaseTimeToLiveResult {
            keys = List.copyOf(keys);
        }
    }

    /** The answer to a lease list. @param ids the ids of all leases, ascending */
    record LeaseListResult(long revision, List<Long> ids) implements KvResult {
        public LeaseListResult {
            ids = List.copyOf(ids);
        }
    }

    /**
     * The command failed and changed nothing.
     *
     * @param error what went wrong, with etcd's status code and message
     * @param detail more context for logs and humans (may be empty); not part of etcd's message
     */
    record Failure(long revision, KvError error, String detail) implements KvResult {
        public Failure {
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(detail, "detail");
        }

        public static Failure of(long revision, KvError error) {
            return new Failure(revision, error, "");
        }
    }
}
