package parley.etcdapi;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import parley.kv.KvError;
import parley.kv.KvResult;

/**
 * Turns every way a request can fail into the gRPC status etcd would send: its code and its exact
 * message, because etcd's clients decide what to do by matching the message (clientv3's
 * {@code rpctypes.Error}, jetcd's exception factory). Parley's own refusals (messages starting
 * "parley:") carry their reason.
 */
public final class EtcdErrors {
    private EtcdErrors() {}

    /** The state machine refused a command. */
    static StatusRuntimeException of(KvResult.Failure failure) {
        KvError error = failure.error();
        return Status.fromCodeValue(error.grpcCode().value()).withDescription(error.grpcMessage(failure.detail())).asRuntimeException();
    }

    public static StatusRuntimeException of(KvError error) {
        return Status.fromCodeValue(error.grpcCode().value()).withDescription(error.grpcMessage()).asRuntimeException();
    }

    static StatusRuntimeException of(EtcdBackendException.Reason reason) {
        return Status.fromCodeValue(reason.grpcCode()).withDescription(reason.grpcMessage()).asRuntimeException();
    }

    /** A request etcd would not understand either: a missing union member, an unknown enum value. */
    static StatusRuntimeException malformed(String what) {
        return Status.INVALID_ARGUMENT.withDescription("parley: malformed request: " + what).asRuntimeException();
    }

    /** Any exception a backend future or a handler ended with. */
    static StatusRuntimeException of(Throwable thrown) {
        Throwable cause = unwrap(thrown);
        return switch (cause) {
            case StatusRuntimeException status -> status;
            case EtcdBackendException backend -> of(backend.reason());
            case TimeoutException timeout -> of(EtcdBackendException.Reason.TIMEOUT);
            case RejectedExecutionException rejected -> of(EtcdBackendException.Reason.STOPPED);
            case CancellationException canceled -> Status.CANCELLED.withDescription("etcdserver: request canceled")
                    .asRuntimeException();
            default -> Status.UNKNOWN.withDescription(String.valueOf(cause.getMessage())).withCause(cause)
                    .asRuntimeException();
        };
    }

    /** The failure inside the wrappers futures add ({@link CompletionException}, {@link ExecutionException}). */
    public static Throwable unwrap(Throwable thrown) {
        Throwable cause = thrown;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
