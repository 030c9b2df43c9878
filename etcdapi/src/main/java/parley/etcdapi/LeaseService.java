package parley.etcdapi;

import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrantResponse;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseKeepAliveResponse;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.LeaseRevokeResponse;
import io.etcd.jetcd.api.LeaseTimeToLiveRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveResponse;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import parley.kv.Bytes;
import parley.kv.KvCommand;
import parley.kv.KvError;
import parley.kv.KvResult;

/**
 * etcd's {@code Lease} service: Grant, Revoke, the KeepAlive stream, TimeToLive, and Leases, the last
 * defined by hand in {@link LeaseLeasesMethod} because the generated stubs lack it. Grants, revokes
 * and keep-alives go through the backend's consensus; the remaining TTL comes from the leader's clock.
 *
 * <p>Two etcd answers that are not errors: a keep-alive for an unknown lease gets TTL 0, and a
 * time-to-live query for one gets TTL -1; clients read those as "expired or revoked".
 */
final class LeaseService implements LeaseGrpc.AsyncService {
    private final Replies replies;
    private final Set<LeaseKeepAliveStream> keepAliveStreams = ConcurrentHashMap.newKeySet();

    LeaseService(Replies replies) {
        this.replies = replies;
    }

    /** The service with the generated methods plus LeaseLeases, under etcd's service name. */
    ServerServiceDefinition definition() {
        ServerServiceDefinition.Builder builder = ServerServiceDefinition.builder(LeaseGrpc.SERVICE_NAME);
        for (ServerMethodDefinition<?, ?> method : LeaseGrpc.bindService(this).getMethods()) {
            builder.addMethod(method);
        }
        builder.addMethod(LeaseLeasesMethod.DESCRIPTOR, ServerCalls.asyncUnaryCall(this::leaseLeases));
        return builder.build();
    }

    @Override
    public void leaseGrant(LeaseGrantRequest request, StreamObserver<LeaseGrantResponse> observer) {
        if (!replies.admit(request, observer)) {
            return;
        }
        CompletableFuture<KvResult> result = replies.backend().write(new KvCommand.LeaseGrant(request.getID(), request.getTTL()));
        replies.reply(result, KvResult.LeaseGrantResult.class, (header, granted) -> LeaseGrantResponse.newBuilder()
                .setHeader(header).setID(granted.id()).setTTL(granted.ttlSeconds()).build(), observer);
    }

    @Override
    public void leaseRevoke(LeaseRevokeRequest request, StreamObserver<LeaseRevokeResponse> observer) {
        if (!replies.admit(request, observer)) {
            return;
        }
        CompletableFuture<KvResult> result = replies.backend().write(new KvCommand.LeaseRevoke(request.getID()));
        replies.reply(result, KvResult.LeaseRevokeResult.class,
                (header, revoked) -> LeaseRevokeResponse.newBuilder().setHeader(header).build(), observer);
    }

    @Override
    public StreamObserver<LeaseKeepAliveRequest> leaseKeepAlive(StreamObserver<LeaseKeepAliveResponse> observer) {
        ServerCallStreamObserver<LeaseKeepAliveResponse> out = (ServerCallStreamObserver<LeaseKeepAliveResponse>) observer;
        LeaseKeepAliveStream stream = new LeaseKeepAliveStream(replies, out, keepAliveStreams::remove);
        keepAliveStreams.add(stream);
        out.setOnCancelHandler(stream::onClientGone);
        return stream;
    }

    @Override
    public void leaseTimeToLive(LeaseTimeToLiveRequest request, StreamObserver<LeaseTimeToLiveResponse> observer) {
        if (!replies.admit(request, observer)) {
            return;
        }
        long id = request.getID();
        CompletableFuture<LeaseTimeToLiveResponse> response = replies.bounded(
                replies.backend().read(new KvCommand.LeaseTimeToLive(id, request.getKeys()), false))
                .thenCompose(result -> switch (result) {
                    case KvResult.LeaseTimeToLiveResult found -> replies.backend().leaseRemainingTtlSeconds(id)
                            .thenApply(remainingSeconds -> timeToLive(found, remainingSeconds));
                    case KvResult.Failure failure when failure.error() == KvError.LEASE_NOT_FOUND ->
                            CompletableFuture.completedFuture(LeaseTimeToLiveResponse.newBuilder()
                                    .setHeader(replies.header(result.revision())).setID(id).setTTL(-1).build());
                    case KvResult.Failure failure -> CompletableFuture.failedFuture(EtcdErrors.of(failure));
                    default -> CompletableFuture.failedFuture(new IllegalStateException(
                            "parley: backend answered a time-to-live query with " + result.getClass().getSimpleName()));
                });
        replies.reply(response, answer -> answer, observer);
    }

    private LeaseTimeToLiveResponse timeToLive(KvResult.LeaseTimeToLiveResult found, long remainingSeconds) {
        LeaseTimeToLiveResponse.Builder response = LeaseTimeToLiveResponse.newBuilder()
                .setHeader(replies.header(found.revision())).setID(found.id()).setTTL(remainingSeconds)
                .setGrantedTTL(found.grantedTtlSeconds());
        for (Bytes key : found.keys()) {
            response.addKeys(ResponseMapper.byteString(key));
        }
        return response.build();
    }

    private void leaseLeases(LeaseLeasesMethod.Request request, StreamObserver<LeaseLeasesMethod.Response> observer) {
        CompletableFuture<KvResult> result = replies.backend().read(new KvCommand.LeaseList(), false);
        replies.reply(result, KvResult.LeaseListResult.class,
                (header, listed) -> new LeaseLeasesMethod.Response(header, listed.ids()), observer);
    }

    /** Ends every keep-alive stream with {@code error}. */
    void abortAll(StatusRuntimeException error) {
        for (LeaseKeepAliveStream stream : List.copyOf(keepAliveStreams)) {
            stream.abort(error);
        }
    }
}
