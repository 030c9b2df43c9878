package parley.etcdapi;

import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseKeepAliveResponse;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.function.Consumer;
import parley.kv.KvCommand;
import parley.kv.KvError;
import parley.kv.KvResult;

/**
 * One client's keep-alive stream: each request renews one lease through the backend and is answered
 * with the lease's TTL, or TTL 0 when the lease is unknown or already past its deadline (etcd answers
 * so rather than failing the stream). Any other failure ends the stream with etcd's error, as etcd's
 * server does. Answers come from backend threads, so sending holds this object's lock. When the client
 * half-closes, the stream ends after the keep-alives already received have been answered, as etcd's
 * (which answers each before reading the next) does.
 */
final class LeaseKeepAliveStream implements StreamObserver<LeaseKeepAliveRequest> {
    private final Replies replies;
    private final ServerCallStreamObserver<LeaseKeepAliveResponse> out;
    private final Consumer<LeaseKeepAliveStream> onClosed;
    private boolean closed;
    private boolean clientDone;
    /** Keep-alives received and not yet answered. */
    private int pendingCount;

    LeaseKeepAliveStream(Replies replies, ServerCallStreamObserver<LeaseKeepAliveResponse> out,
            Consumer<LeaseKeepAliveStream> onClosed) {
        this.replies = replies;
        this.out = out;
        this.onClosed = onClosed;
    }

    @Override
    public void onNext(LeaseKeepAliveRequest request) {
        if (request.getSerializedSize() > replies.config().requestBytesMax()) {
            abort(EtcdErrors.of(EtcdBackendException.Reason.REQUEST_TOO_LARGE));
            return;
        }
        long id = request.getID();
        synchronized (this) {
            pendingCount++;
        }
        replies.bounded(replies.backend().write(new KvCommand.LeaseKeepAlive(id))).whenComplete((result, failure) -> {
            answer(id, result, failure);
            answered();
        });
    }

    private void answer(long id, KvResult result, Throwable failure) {
        if (failure != null) {
            abort(EtcdErrors.of(failure));
        } else if (result instanceof KvResult.LeaseKeepAliveResult kept) {
            send(response(id, kept.revision(), kept.ttlSeconds()));
        } else if (result instanceof KvResult.Failure refused && refused.error() == KvError.LEASE_NOT_FOUND) {
            send(response(id, refused.revision(), 0));
        } else if (result instanceof KvResult.Failure refused) {
            abort(EtcdErrors.of(refused));
        } else {
            abort(EtcdErrors.of(new IllegalStateException("parley: backend answered a keep-alive with " + result)));
        }
    }

    private synchronized void answered() {
        pendingCount--;
        if (clientDone && pendingCount == 0) {
            finish();
        }
    }

    @Override
    public void onError(Throwable clientError) {
        close();
    }

    @Override
    public synchronized void onCompleted() {
        clientDone = true;
        if (pendingCount == 0) {
            finish();
        }
    }

    private synchronized void finish() {
        if (close()) {
            try {
                out.onCompleted();
            } catch (RuntimeException alreadyOver) {
                // the call ended first
            }
        }
    }

    void onClientGone() {
        close();
    }

    /** Ends the stream from the server side with {@code error}. */
    void abort(StatusRuntimeException error) {
        if (close()) {
            Replies.fail(out, error);
        }
    }

    private LeaseKeepAliveResponse response(long id, long revision, long ttlSeconds) {
        return LeaseKeepAliveResponse.newBuilder().setHeader(replies.header(revision)).setID(id).setTTL(ttlSeconds).build();
    }

    private synchronized void send(LeaseKeepAliveResponse response) {
        if (closed) {
            return;
        }
        try {
            out.onNext(response);
        } catch (RuntimeException clientGone) {
            close();
        }
    }

    private synchronized boolean close() {
        if (closed) {
            return false;
        }
        closed = true;
        onClosed.accept(this);
        return true;
    }
}
