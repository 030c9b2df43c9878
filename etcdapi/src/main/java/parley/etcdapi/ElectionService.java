package parley.etcdapi;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.ElectionGrpc;
import io.etcd.jetcd.api.CampaignRequest;
import io.etcd.jetcd.api.CampaignResponse;
import io.etcd.jetcd.api.LeaderKey;
import io.etcd.jetcd.api.LeaderRequest;
import io.etcd.jetcd.api.LeaderResponse;
import io.etcd.jetcd.api.ProclaimRequest;
import io.etcd.jetcd.api.ProclaimResponse;
import io.etcd.jetcd.api.ResignRequest;
import io.etcd.jetcd.api.ResignResponse;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import parley.kv.Bytes;
import parley.kv.Compare;
import parley.kv.KeyRange;
import parley.kv.KeyValue;
import parley.kv.KvCommand;
import parley.kv.KvResult;
import parley.kv.WatchRequest;

/**
 * etcd's server-side election ({@code v3electionpb.Election}), built as etcd builds it from its
 * client recipe on the lock's queue (see {@link LockService}): a candidate for election N with lease L
 * is the key {@code N/<L in hex>} holding its value; the leader is the key under {@code N/} with the
 * lowest create revision. Campaign answers once the candidate leads; Proclaim changes the leader's
 * value only while its key is the one that won (same create revision), else "election: not leader";
 * Leader answers the leading key or "election: no leader"; Observe streams the leader each time it or
 * its value changes; Resign deletes the leader's key. The error texts are etcd's, which jetcd maps to
 * its own exceptions.
 */
final class ElectionService extends ElectionGrpc.ElectionImplBase {
    static final String NOT_LEADER = "election: not leader";
    static final String NO_LEADER = "election: no leader";

    private final Replies replies;
    private final LockService queue;

    ElectionService(Replies replies, LockService queue) {
        this.replies = replies;
        this.queue = queue;
    }

    @Override
    public void campaign(CampaignRequest request, StreamObserver<CampaignResponse> observer) {
        if (!replies.admit(request, observer)) return;
        if (request.getName().isEmpty() || request.getLease() == 0) {
            observer.onError(Status.INVALID_ARGUMENT.withDescription("parley: a campaign needs a name and a lease").asRuntimeException());
            return;
        }
        Bytes prefix = prefixOf(request.getName());
        Bytes key = Bytes.of(request.getName().concat(ByteString.copyFromUtf8("/" + Long.toHexString(request.getLease()))).toByteArray());
        Bytes value = Bytes.of(request.getValue().toByteArray());
        Context context = Context.current();
        queue.enqueue(key, value, request.getLease()).thenCompose(createRevision -> queue.waitForTurn(prefix, key, createRevision, context)
                .thenApply(turn -> createRevision)).whenComplete((createRevision, error) -> {
                    if (error != null) {
                        if (context.isCancelled()) queue.release(key);
                        observer.onError(EtcdErrors.of(error));
                        return;
                    }
                    LeaderKey leader = LeaderKey.newBuilder().setName(request.getName()).setKey(ByteString.copyFrom(key.bytes()))
                            .setRev(createRevision).setLease(request.getLease()).build();
                    observer.onNext(CampaignResponse.newBuilder().setHeader(replies.header()).setLeader(leader).build());
                    observer.onCompleted();
                });
    }

    @Override
    public void proclaim(ProclaimRequest request, StreamObserver<ProclaimResponse> observer) {
        if (!replies.admit(request, observer)) return;
        LeaderKey leader = request.getLeader();
        Bytes key = Bytes.of(leader.getKey().toByteArray());
        KvCommand.Op put = KvCommand.Put.withLease(key, Bytes.of(request.getValue().toByteArray()), leader.getLease());
        replies.backend().write(ifStillLeader(leader, put)).whenComplete((result, error) -> {
            if (error != null) {
                observer.onError(EtcdErrors.of(error));
            } else if (result instanceof KvResult.TxnResult txn && txn.succeeded()) {
                observer.onNext(ProclaimResponse.newBuilder().setHeader(replies.header()).build());
                observer.onCompleted();
            } else if (result instanceof KvResult.Failure failure) {
                observer.onError(EtcdErrors.of(failure));
            } else {
                observer.onError(Status.UNKNOWN.withDescription(NOT_LEADER).asRuntimeException());
            }
        });
    }

    @Override
    public void leader(LeaderRequest request, StreamObserver<LeaderResponse> observer) {
        if (!replies.admit(request, observer)) return;
        firstCandidate(prefixOf(request.getName())).whenComplete((first, error) -> {
            if (error != null) {
                observer.onError(EtcdErrors.of(error));
            } else if (first.kvs().isEmpty()) {
                observer.onError(Status.UNKNOWN.withDescription(NO_LEADER).asRuntimeException());
            } else {
                observer.onNext(LeaderResponse.newBuilder().setHeader(replies.header())
                        .setKv(ResponseMapper.keyValue(first.kvs().get(0))).build());
                observer.onCompleted();
            }
        });
    }

    @Override
    public void resign(ResignRequest request, StreamObserver<ResignResponse> observer) {
        if (!replies.admit(request, observer)) return;
        LeaderKey leader = request.getLeader();
        KvCommand.Op delete = new KvCommand.DeleteRange(KeyRange.single(Bytes.of(leader.getKey().toByteArray())), false);
        replies.reply(replies.backend().write(ifStillLeader(leader, delete)), KvResult.TxnResult.class,
                (header, txn) -> ResignResponse.newBuilder().setHeader(header).build(), observer);
    }

    /**
     * Streams the leader of the election: at once if there is one, then whenever the leading key or
     * its value changes, until the client cancels.
     */
    @Override
    public void observe(LeaderRequest request, StreamObserver<LeaderResponse> observer) {
        if (!replies.admit(request, observer)) return;
        Context context = Context.current();
        observeFrom(prefixOf(request.getName()), null, observer, context);
    }

    private void observeFrom(Bytes prefix, KeyValue lastSent, StreamObserver<LeaderResponse> observer, Context context) {
        if (context.isCancelled()) return;
        firstCandidate(prefix).whenComplete((first, error) -> {
            if (error != null) {
                observer.onError(EtcdErrors.of(error));
                return;
            }
            if (first.kvs().isEmpty()) {
                // No candidate yet: wait for the first key under the prefix, then look again.
                queue.changed(KeyRange.prefix(prefix), first.revision(), context)
                        .whenComplete((changed, waitError) -> next(prefix, lastSent, observer, context, waitError));
                return;
            }
            KeyValue leader = first.kvs().get(0);
            KeyValue sent = lastSent;
            if (!leader.equals(lastSent)) {
                observer.onNext(LeaderResponse.newBuilder().setHeader(replies.header()).setKv(ResponseMapper.keyValue(leader)).build());
                sent = leader;
            }
            KeyValue shown = sent;
            queue.changed(KeyRange.single(leader.key()), first.revision(), context)
                    .whenComplete((changed, waitError) -> next(prefix, shown, observer, context, waitError));
        });
    }

    private void next(Bytes prefix, KeyValue lastSent, StreamObserver<LeaderResponse> observer, Context context, Throwable waitError) {
        if (context.isCancelled()) return;
        if (waitError != null) {
            observer.onError(EtcdErrors.of(waitError));
            return;
        }
        observeFrom(prefix, lastSent, observer, context);
    }

    /** {@code op}, applied only while {@code leader}'s key is the one that won (the same create revision). */
    private static KvCommand.Txn ifStillLeader(LeaderKey leader, KvCommand.Op op) {
        Bytes key = Bytes.of(leader.getKey().toByteArray());
        return new KvCommand.Txn(List.of(new Compare(Compare.Target.CREATE, Compare.Result.EQUAL, KeyRange.single(key), leader.getRev(),
                Bytes.EMPTY)), List.of(op), List.of());
    }

    /** The candidate with the lowest create revision under {@code prefix} (at most one), read linearizably. */
    private CompletableFuture<KvResult.RangeResult> firstCandidate(Bytes prefix) {
        KvCommand.Range first = KvCommand.Range.of(KeyRange.prefix(prefix))
                .sortedBy(KvCommand.SortTarget.CREATE, KvCommand.SortOrder.ASCEND).withLimit(1);
        return replies.backend().read(first, false).thenApply(result -> LockService.expect(result, KvResult.RangeResult.class));
    }

    private static Bytes prefixOf(ByteString name) {
        return Bytes.of(name.concat(ByteString.copyFromUtf8("/")).toByteArray());
    }
}
