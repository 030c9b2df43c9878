package parley.etcdapi;

import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.CompactionResponse;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import parley.kv.KvCommand;
import parley.kv.KvResult;

/**
 * etcd's {@code KV} service: Range, Put, DeleteRange, Txn, Compact. Writes go through the backend's
 * consensus; ranges and txns without writes are reads, linearizable unless the client asked for
 * serializable.
 */
final class KvService extends KVGrpc.KVImplBase {
    private final Replies replies;

    KvService(Replies replies) {
        this.replies = replies;
    }

    @Override
    public void range(RangeRequest request, StreamObserver<RangeResponse> observer) {
        if (!replies.admit(request, observer)) {
            return;
        }
        CompletableFuture<KvResult> result = mapped(() -> replies.backend().read(RequestMapper.range(request),
                request.getSerializable()));
        replies.reply(result, KvResult.RangeResult.class, ResponseMapper::range, observer);
    }

    @Override
    public void put(PutRequest request, StreamObserver<PutResponse> observer) {
        if (!replies.admit(request, observer)) {
            return;
        }
        CompletableFuture<KvResult> result = mapped(() -> replies.backend().write(RequestMapper.put(request)));
        replies.reply(result, KvResult.PutResult.class, ResponseMapper::put, observer);
    }

    @Override
    public void deleteRange(DeleteRangeRequest request, StreamObserver<DeleteRangeResponse> observer) {
        if (!replies.admit(request, observer)) {
            return;
        }
        CompletableFuture<KvResult> result = mapped(() -> replies.backend().write(RequestMapper.deleteRange(request)));
        replies.reply(result, KvResult.DeleteRangeResult.class, ResponseMapper::deleteRange, observer);
    }

    @Override
    public void txn(TxnRequest request, StreamObserver<TxnResponse> observer) {
        if (!replies.admit(request, observer)) {
            return;
        }
        int refusedDepth = TxnRequestMarshaller.refusedDepth(request);
        if (refusedDepth > 0) {
            observer.onError(io.grpc.Status.INVALID_ARGUMENT.withDescription(TxnRequestMarshaller.tooDeep(refusedDepth)).asRuntimeException());
            return;
        }
        CompletableFuture<KvResult> result = mapped(() -> {
            KvCommand.Txn txn = RequestMapper.txn(request);
            return RequestMapper.writes(request) ? replies.backend().write(txn)
                    : replies.backend().read(txn, RequestMapper.serializable(request));
        });
        replies.reply(result, KvResult.TxnResult.class, ResponseMapper::txn, observer);
    }

    @Override
    public void compact(CompactionRequest request, StreamObserver<CompactionResponse> observer) {
        if (!replies.admit(request, observer)) {
            return;
        }
        CompletableFuture<KvResult> result = mapped(() -> replies.backend().write(RequestMapper.compact(request)));
        replies.reply(result, KvResult.CompactResult.class,
                (header, compacted) -> CompactionResponse.newBuilder().setHeader(header).build(), observer);
    }

    private interface Call {
        CompletableFuture<KvResult> start();
    }

    /** Starts the call, turning a request that does not map into a failed future. */
    private static CompletableFuture<KvResult> mapped(Call call) {
        try {
            return call.start();
        } catch (RuntimeException malformed) {
            return CompletableFuture.failedFuture(malformed);
        }
    }
}
