package parley.etcdapi;

import com.google.protobuf.MessageLite;
import io.etcd.jetcd.api.ResponseHeader;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;
import parley.kv.KvResult;

/**
 * What every service does around a call: refuse oversized requests, wait for the backend a bounded
 * time, turn failures into etcd's statuses, stamp the response header, and answer a client that may
 * have gone away meanwhile without throwing into a backend thread.
 */
final class Replies {
    private final EtcdBackend backend;
    private final EtcdApiConfig config;
    private final RequestDeadlines deadlines;

    Replies(EtcdBackend backend, EtcdApiConfig config) {
        this.backend = backend;
        this.config = config;
        this.deadlines = new RequestDeadlines("parley-etcdapi-deadlines", config.requestTimeoutMs());
    }

    EtcdBackend backend() {
        return backend;
    }

    EtcdApiConfig config() {
        return config;
    }

    /** The header at the backend's current revision. */
    ResponseHeader header() {
        ClusterHeader cluster = backend.header();
        return ResponseMapper.header(cluster, cluster.revision());
    }

    /** The header at {@code revision}, the revision a command's result reports. */
    ResponseHeader header(long revision) {
        return ResponseMapper.header(backend.header(), revision);
    }

    /**
     * Whether {@code request} is within the size limit; if not, {@code observer} has been failed with
     * etcd's {@code request is too large}. etcd measures the request it would put in its log, which is
     * the client's request plus a small envelope; this measures the client's request.
     */
    boolean admit(MessageLite request, StreamObserver<?> observer) {
        if (request.getSerializedSize() <= config.requestBytesMax()) {
            return true;
        }
        fail(observer, EtcdErrors.of(EtcdBackendException.Reason.REQUEST_TOO_LARGE));
        return false;
    }

    /**
     * Answers with the backend's result mapped by {@code toResponse}, or with the etcd error the result
     * or the backend failed with.
     */
    <R extends KvResult, T> void reply(CompletableFuture<KvResult> result, Class<R> expected,
            BiFunction<ResponseHeader, R, T> toResponse, StreamObserver<T> observer) {
        bounded(result).whenComplete((answer, failure) -> {
            if (failure != null) {
                fail(observer, EtcdErrors.of(failure));
            } else if (answer instanceof KvResult.Failure refused) {
                fail(observer, EtcdErrors.of(refused));
            } else if (!expected.isInstance(answer)) {
                fail(observer, Status.INTERNAL.withDescription("parley: backend answered with "
                        + answer.getClass().getSimpleName() + ", expected " + expected.getSimpleName()).asRuntimeException());
            } else {
                complete(observer, () -> toResponse.apply(header(answer.revision()), expected.cast(answer)));
            }
        });
    }

    /** Answers with {@code value} mapped by {@code toResponse}, or with the error it failed with. */
    <V, T> void reply(CompletableFuture<V> value, Function<V, T> toResponse, StreamObserver<T> observer) {
        bounded(value).whenComplete((answer, failure) -> {
            if (failure != null) {
                fail(observer, EtcdErrors.of(failure));
            } else {
                complete(observer, () -> toResponse.apply(answer));
            }
        });
    }

    /** {@code future}, failing with a timeout once the request timeout has passed. */
    <V> CompletableFuture<V> bounded(CompletableFuture<V> future) {
        return deadlines.bound(future);
    }

    /** Stops the deadline sweeper; requests still waiting then fail only through the backend. */
    void close() {
        deadlines.close();
    }

    private interface ResponseSupplier<T> {
        T get();
    }

    private static <T> void complete(StreamObserver<T> observer, ResponseSupplier<T> response) {
        T built;
        try {
            built = response.get();
        } catch (RuntimeException mappingFailed) {
            fail(observer, EtcdErrors.of(mappingFailed));
            return;
        }
        try {
            observer.onNext(built);
            observer.onCompleted();
        } catch (RuntimeException clientGone) {
            // The call was canceled while the backend worked; there is no one left to answer.
        }
    }

    static void fail(StreamObserver<?> observer, Throwable error) {
        try {
            observer.onError(error);
        } catch (RuntimeException clientGone) {
            // As above: the call is already over.
        }
    }
}
