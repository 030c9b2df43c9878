package parley.etcdapi;

import java.util.Objects;

/**
 * The cluster could not serve a request: a backend completes a future with this when the reason is the
 * cluster's state rather than the command (which would be a {@link parley.kv.KvResult.Failure}). Each
 * reason carries the gRPC status code and the exact message etcd answers with, which clients match on
 * (clientv3 retries another endpoint on "no leader", for example).
 */
public final class EtcdBackendException extends RuntimeException {

    /** Why; code values are gRPC's. */
    public enum Reason {
        NO_LEADER(14, "etcdserver: no leader"),
        NOT_LEADER(9, "etcdserver: not leader"),
        LEADER_CHANGED(14, "etcdserver: leader changed"),
        TIMEOUT(14, "etcdserver: request timed out"),
        TIMEOUT_LEADER_FAIL(14, "etcdserver: request timed out, possibly due to previous leader failure"),
        TOO_MANY_REQUESTS(8, "etcdserver: too many requests"),
        STOPPED(14, "etcdserver: server stopped"),
        /** A node that cannot write (full disk) refuses writes; etcd's space-quota alarm says this. */
        NO_SPACE(8, "etcdserver: mvcc: database space exceeded"),
        REQUEST_TOO_LARGE(3, "etcdserver: request is too large"),
        CORRUPT(15, "etcdserver: corrupt cluster"),
        MEMBER_NOT_FOUND(5, "etcdserver: member not found"),
        /** MoveLeader to a node that is not a voting member. */
        BAD_LEADER_TRANSFEREE(9, "etcdserver: bad leader transferee"),
        /** MoveLeader whose target did not take over in time. */
        TIMEOUT_LEADER_TRANSFER(14, "etcdserver: request timed out, leader transfer took too long"),
        /** A backend with no membership to change (a single local store). */
        MEMBERSHIP_UNSUPPORTED(12, "etcdserver: membership changes are not supported by this server");

        private final int grpcCode;
        private final String grpcMessage;

        Reason(int grpcCode, String grpcMessage) {
            this.grpcCode = grpcCode;
            this.grpcMessage = grpcMessage;
        }

        /** The numeric gRPC status code etcd answers with. */
        public int grpcCode() {
            return grpcCode;
        }

        /** The exact status message etcd sends. */
        public String grpcMessage() {
            return grpcMessage;
        }
    }

    private final Reason reason;
    private final String detail;

    public EtcdBackendException(Reason reason) {
        this(reason, "");
    }

    /** @param detail what happened, for logs; never sent to clients, which match on the reason's message */
    public EtcdBackendException(Reason reason, String detail) {
        super(reason.grpcMessage() + (detail.isEmpty() ? "" : " (" + detail + ")"));
        this.reason = Objects.requireNonNull(reason, "reason");
        this.detail = detail;
    }

    /** What happened, for logs (empty when nothing beyond the reason is known). */
    public String detail() {
        return detail;
    }

    public Reason reason() {
        return reason;
    }
}
