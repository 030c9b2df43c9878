package parley.etcdapi;

import com.google.protobuf.MessageLite;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The door's bound on work in progress: unary requests admitted and not yet answered, counted and
 * summed in bytes over all clients. A request that would pass either bound is refused before any
 * service sees it, with etcd's {@code etcdserver: too many requests} (RESOURCE_EXHAUSTED, which etcd
 * clients retry after a pause), so however many requests clients pipeline, a node holds at most
 * {@link EtcdApiConfig#inflightRequestsMax()} of them, {@link EtcdApiConfig#inflightBytesMax()} in
 * all. Streams (watch, lease keep-alive) are bounded by their own flow control instead.
 *
 * <p>While the runtime says it must shed load ({@link #shedWrites}, e.g. its heap is nearly full),
 * requests that add data (put, txn, lease grant) get the same refusal; reads, deletes and compactions
 * still pass.
 */
final class InflightLimit implements ServerInterceptor {
    private final int requestsMax;
    private final long bytesMax;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile java.util.function.BooleanSupplier shedWrites = () -> false;

    /** Methods refused while shedding: those that add data. */
    private static final java.util.Set<String> WRITES = java.util.Set.of("etcdserverpb.KV/Put", "etcdserverpb.KV/Txn",
            "etcdserverpb.Lease/LeaseGrant");

    InflightLimit(int requestsMax, long bytesMax) {
        this.requestsMax = requestsMax;
        this.bytesMax = bytesMax;
    }

    /** While {@code shed} says so, requests that add data are refused. */
    void shedWrites(java.util.function.BooleanSupplier shed) {
        this.shedWrites = shed;
    }

    /** Unary requests in progress now. */
    int requests() {
        return requests.get();
    }

    /** Requests refused so far because a bound was reached. */
    long refused() {
        return refused.get();
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        if (call.getMethodDescriptor().getType() != MethodDescriptor.MethodType.UNARY) {
            return next.startCall(call, headers);
        }
        if (WRITES.contains(call.getMethodDescriptor().getFullMethodName()) && shedWrites.getAsBoolean()) {
            refuse(call);
            return new ServerCall.Listener<>() { };
        }
        Admission admission = new Admission();
        ServerCall<Q, A> releasing = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                admission.release();
                super.close(status, trailers);
            }
        };
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(releasing, headers)) {
            @Override
            public void onMessage(Q message) {
                long size = message instanceof MessageLite lite ? lite.getSerializedSize() : 0;
                if (!admission.acquire(size)) {
                    refuse(call);
                    return;
                }
                super.onMessage(message);
            }

            @Override
            public void onHalfClose() {
                if (!admission.refused) super.onHalfClose(); // a refused call never reaches its service
            }

            @Override
            public void onCancel() {
                admission.release();
                super.onCancel();
            }

            @Override
            public void onComplete() {
                admission.release();
                super.onComplete();
            }
        };
    }

    /** Ends {@code call} with etcd's "too many requests" before any service sees it. */
    private void refuse(ServerCall<?, ?> call) {
        refused.incrementAndGet();
        call.close(EtcdErrors.of(EtcdBackendException.Reason.TOO_MANY_REQUESTS).getStatus(), new Metadata());
    }

    /** One call's share of the bounds: taken when its request arrives, given back exactly once. */
    private final class Admission {
        private final AtomicBoolean held = new AtomicBoolean();
        private long size;
        private volatile boolean refused;

        boolean acquire(long requestBytes) {
            if (requests.incrementAndGet() > requestsMax) {
                requests.decrementAndGet();
                refused = true;
                return false;
            }
            if (bytes.addAndGet(requestBytes) > bytesMax) {
                bytes.addAndGet(-requestBytes);
                requests.decrementAndGet();
                refused = true;
                return false;
            }
            size = requestBytes;
            held.set(true);
            return true;
        }

        void release() {
            if (held.compareAndSet(true, false)) {
                requests.decrementAndGet();
                bytes.addAndGet(-size);
            }
        }
    }
}
