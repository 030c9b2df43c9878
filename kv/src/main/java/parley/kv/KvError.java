package parley.kv;

/**
 * Why a command failed. Each error carries the gRPC status code and message etcd answers with, so
 * the server can pass them on and etcd clients (which match on them) behave unchanged.
 */
public enum KvError {
    /** A read or watch below the compact revision, or a compaction to an already compacted one. */
    COMPACTED(GrpcCode.OUT_OF_RANGE, "mvcc: required revision has been compacted",
            "etcdserver: mvcc: required revision has been compacted"),
    /** A read at, or a compaction to, a revision the store has not reached. */
    FUTURE_REV(GrpcCode.OUT_OF_RANGE, "mvcc: required revision is a future revision",
            "etcdserver: mvcc: required revision is a future revision"),
    LEASE_NOT_FOUND(GrpcCode.NOT_FOUND, "lease not found", "etcdserver: requested lease not found"),
    LEASE_EXISTS(GrpcCode.FAILED_PRECONDITION, "lease already exists", "etcdserver: lease already exists"),
    LEASE_TTL_TOO_LARGE(GrpcCode.OUT_OF_RANGE, "too large lease TTL", "etcdserver: too large lease TTL"),
    /** A put with ignore_value or ignore_lease on a key that does not exist. */
    KEY_NOT_FOUND(GrpcCode.INVALID_ARGUMENT, "key not found", "etcdserver: key not found"),
    EMPTY_KEY(GrpcCode.INVALID_ARGUMENT, "key is not provided", "etcdserver: key is not provided"),
    VALUE_PROVIDED(GrpcCode.INVALID_ARGUMENT, "value is provided", "etcdserver: value is provided"),
    LEASE_PROVIDED(GrpcCode.INVALID_ARGUMENT, "lease is provided", "etcdserver: lease is provided"),
    /** A transaction that writes one key twice, or writes a key it also deletes. */
    DUPLICATE_KEY(GrpcCode.INVALID_ARGUMENT, "duplicate key given in txn request",
            "etcdserver: duplicate key given in txn request"),
    TOO_MANY_OPS(GrpcCode.INVALID_ARGUMENT, "too many operations in txn request",
            "etcdserver: too many operations in txn request"),
    /** Parley's own: an argument outside what the store accepts (a negative lease id, a deep txn). */
    INVALID_ARGUMENT(GrpcCode.INVALID_ARGUMENT, "invalid argument", "parley: invalid argument"),
    /** Parley's own: the command bytes did not decode. Every replica reaches the same verdict. */
    MALFORMED_COMMAND(GrpcCode.INVALID_ARGUMENT, "malformed command", "parley: malformed command"),
    /** Parley's own: the log index was at or below the last applied one, so the command was skipped. */
    STALE_INDEX(GrpcCode.INTERNAL, "log index already applied", "parley: log index already applied"),
    /** Parley's own: a write command given to {@link KvStateMachine#read}, which serves only reads. */
    NOT_A_READ(GrpcCode.INVALID_ARGUMENT, "command is not read-only", "parley: command is not read-only"),
    /**
     * Parley's own: the request was routed by a keyspace registry older than the one this group was
     * fenced at (a keyspace took over some of its keys meanwhile); nothing was done, and a retry is
     * routed afresh.
     */
    REGISTRY_CHANGED(GrpcCode.UNAVAILABLE, "keyspace registry changed",
            "parley: the keyspace registry changed since this request was routed; retry");

    /** The gRPC status codes used above, with their numeric values. */
    public enum GrpcCode {
        INVALID_ARGUMENT(3),
        NOT_FOUND(5),
        FAILED_PRECONDITION(9),
        OUT_OF_RANGE(11),
        INTERNAL(13),
        UNAVAILABLE(14);

        private final int value;

        GrpcCode(int value) {
            this.value = value;
        }

        /** The numeric status code on the wire. */
        public int value() {
            return value;
        }
    }

    private final GrpcCode grpcCode;
    private final String message;
    private final String grpcMessage;

    KvError(GrpcCode grpcCode, String message, String grpcMessage) {
        this.grpcCode = grpcCode;
        this.message = message;
        this.grpcMessage = grpcMessage;
    }

    /** The gRPC status code etcd answers with. */
    public GrpcCode grpcCode() {
        return grpcCode;
    }

    /** The store-level message (etcd's mvcc or lease error text). */
    public String message() {
        return message;
    }

    /** The exact status message etcd's gRPC server sends, which clients match on. */
    public String grpcMessage() {
        return grpcMessage;
    }

    /**
     * The status message for a failure with {@code detail}: etcd's errors keep etcd's exact message
     * (clients match on it); Parley's generic ones carry their reason, so a refusal never reads only
     * "invalid argument".
     */
    public String grpcMessage(String detail) {
        if (detail.isEmpty()) return grpcMessage;
        return switch (this) {
            case INVALID_ARGUMENT -> "parley: " + detail;
            case MALFORMED_COMMAND -> grpcMessage + ": " + detail;
            default -> grpcMessage;
        };
    }
}
