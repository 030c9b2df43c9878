package parley.cli;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Watchers that never read: the slow-client attack of issue 16, as a load for {@code parley bench kv
 * --stalled-watchers N}. Each stream carries up to {@link #WATCHES_PER_STREAM} watches on one key
 * range and switches off gRPC's automatic inbound flow control, so it reads nothing after the first
 * bytes its HTTP/2 window takes; the streams are spread round-robin over the endpoints, each endpoint
 * with its own connections (one per {@link #STREAMS_PER_CONNECTION} streams), apart from the
 * workload's. What a server does with the events it cannot deliver is the point of the measurement.
 */
final class StalledWatchers implements AutoCloseable {
    static final int WATCHES_PER_STREAM = 100;
    static final int STREAMS_PER_CONNECTION = 5;

    private final List<ManagedChannel> channels = new ArrayList<>();
    private final List<ClientCallStreamObserver<WatchRequest>> streams = new ArrayList<>();
    private final AtomicInteger failedStreams = new AtomicInteger();

    /** Opens {@code watches} stalled watches on [{@code key}, {@code rangeEnd}) across {@code targets}. */
    static StalledWatchers open(List<Endpoints.Endpoint> targets, int watches, ByteString key, ByteString rangeEnd) {
        StalledWatchers stalled = new StalledWatchers();
        int streamCount = (watches + WATCHES_PER_STREAM - 1) / WATCHES_PER_STREAM;
        ManagedChannel[] newestByEndpoint = new ManagedChannel[targets.size()];
        int left = watches;
        for (int s = 0; s < streamCount; s++) {
            int endpoint = s % targets.size();
            if ((s / targets.size()) % STREAMS_PER_CONNECTION == 0) { // this endpoint's connection is full: a new one
                Endpoints.Endpoint hp = targets.get(endpoint);
                newestByEndpoint[endpoint] = NettyChannelBuilder.forAddress(hp.host(), hp.port()).usePlaintext().build();
                stalled.channels.add(newestByEndpoint[endpoint]);
            }
            ClientCallStreamObserver<WatchRequest> requests = stalled.openStream(newestByEndpoint[endpoint]);
            int here = Math.min(WATCHES_PER_STREAM, left);
            for (int w = 0; w < here; w++) {
                requests.onNext(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
                        .setKey(key).setRangeEnd(rangeEnd)).build());
            }
            left -= here;
        }
        return stalled;
    }

    private ClientCallStreamObserver<WatchRequest> openStream(ManagedChannel channel) {
        ClientCallStreamObserver<WatchRequest>[] holder = new ClientCallStreamObserver[1];
        WatchGrpc.newStub(channel).watch(new ClientResponseObserver<WatchRequest, WatchResponse>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
                holder[0] = requestStream;
                requestStream.disableAutoRequestWithInitial(0); // never read a response
            }

            @Override public void onNext(WatchResponse response) { }

            @Override public void onError(Throwable error) { failedStreams.incrementAndGet(); }

            @Override public void onCompleted() { failedStreams.incrementAndGet(); }
        });
        streams.add(holder[0]);
        return holder[0];
    }

    int streams() {
        return streams.size();
    }

    int connections() {
        return channels.size();
    }

    /** Streams the server ended (it should not: a stalled watcher is slow, not wrong). */
    int failedStreams() {
        return failedStreams.get();
    }

    @Override
    public void close() throws InterruptedException {
        for (ClientCallStreamObserver<WatchRequest> stream : streams) stream.cancel("bench over", null);
        for (ManagedChannel channel : channels) channel.shutdownNow();
        for (ManagedChannel channel : channels) channel.awaitTermination(2, TimeUnit.SECONDS);
    }
}
