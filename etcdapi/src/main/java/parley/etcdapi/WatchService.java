package parley.etcdapi;

import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;

/** etcd's {@code Watch} service: one {@link WatchStream} per client stream. */
final class WatchService extends WatchGrpc.WatchImplBase {
    private final Replies replies;
    private final ScheduledExecutorService timer;
    private final Set<WatchStream> streams = ConcurrentHashMap.newKeySet();

    WatchService(Replies replies, ScheduledExecutorService timer) {
        this.replies = replies;
        this.timer = timer;
    }

    @Override
    public StreamObserver<WatchRequest> watch(StreamObserver<WatchResponse> observer) {
        ServerCallStreamObserver<WatchResponse> out = (ServerCallStreamObserver<WatchResponse>) observer;
        WatchStream stream = new WatchStream(replies, timer, out, streams::remove);
        streams.add(stream);
        out.setOnCancelHandler(stream::onClientGone);
        out.setOnReadyHandler(stream::onReady);
        return stream;
    }

    /** Ends every open stream with {@code error}, so clients move on instead of waiting. */
    void abortAll(StatusRuntimeException error) {
        for (WatchStream stream : List.copyOf(streams)) {
            stream.abort(error);
        }
    }

    int openStreams() {
        return streams.size();
    }
}
