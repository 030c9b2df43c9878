package parley.etcdapi;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.lock.LockGrpc;
import io.etcd.jetcd.api.lock.LockRequest;
import io.etcd.jetcd.api.lock.LockResponse;
import io.etcd.jetcd.api.lock.UnlockRequest;
import io.etcd.jetcd.api.lock.UnlockResponse;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import parley.kv.Bytes;
import parley.kv.Compare;
import parley.kv.KeyRange;
import parley.kv.KvCommand;
import parley.kv.KvResult;
import parley.kv.WatchRequest;

/**
 * etcd's server-side lock ({@code v3lockpb.Lock}), as etcd builds it from its client recipe: a lock
 * named N held with lease L is the key {@code N/<L in hex>}, put with that lease if absent; its holder
 * is the key under {@code N/} with the lowest create revision. Lock answers once every key created
 * before ours is gone (each waited for with a watch, one at a time, as etcd's {@code waitDeletes}); the
 * lease expiring, or the holder's Unlock, deletes the key and hands the lock on. A client that gives up
 * while waiting (cancels) gets its key deleted, so it blocks no one. Unlock deletes the key.
 * Everything goes through the backend's linearizable writes, reads and watches, so it works on every
 * node and across leader changes.
 */
final class LockService extends LockGrpc.LockImplBase {
    private final Replies replies;

    LockService(Replies replies) {
        this.replies = replies;
    }

    @Override
    public void lock(LockRequest request, StreamObserver<LockResponse> observer) {
        if (!replies.admit(request, observer)) return;
        if (request.getName().isEmpty()) {
            observer.onError(Status.INVALID_ARGUMENT.withDescription("parley: a lock needs a name").asRuntimeException());
            return;
        }
        if (request.getLease() == 0) {
            observer.onError(Status.INVALID_ARGUMENT.withDescription("parley: a lock is held by a lease; grant one first").asRuntimeException());
            return;
        }
        Bytes prefix = Bytes.of(request.getName().concat(ByteString.copyFromUtf8("/")).toByteArray());
        Bytes key = Bytes.of(request.getName().concat(ByteString.copyFromUtf8("/" + Long.toHexString(request.getLease()))).toByteArray());
        Context context = Context.current();
        enqueue(key, Bytes.EMPTY, request.getLease()).whenComplete((createRevision, error) -> {
            if (error != null) {
                if (context.isCancelled()) release(key);
                observer.onError(EtcdErrors.of(error));
                return;
            }
            waitForTurn(prefix, key, createRevision, context).whenComplete((unused, waitError) -> {
                if (waitError != null) {
                    release(key); // it gave up or failed: its key must not block the ones after it
                    observer.onError(EtcdErrors.of(waitError));
                    return;
                }
                observer.onNext(LockResponse.newBuilder().setHeader(replies.header())
                        .setKey(ByteString.copyFrom(key.bytes())).build());
                observer.onCompleted();
            });
        });
    }

    @Override
    public void unlock(UnlockRequest request, StreamObserver<UnlockResponse> observer) {
        if (!replies.admit(request, observer)) return;
        CompletableFuture<KvResult> deleted = replies.backend().write(
                new KvCommand.DeleteRange(KeyRange.single(Bytes.of(request.getKey().toByteArray())), false));
        replies.reply(deleted, KvResult.DeleteRangeResult.class,
                (header, result) -> UnlockResponse.newBuilder().setHeader(header).build(), observer);
    }

    /**
     * Puts the waiter's key with its value and lease unless it exists (a retry with the same lease);
     * completes with its create revision: its place in the queue.
     */
    CompletableFuture<Long> enqueue(Bytes key, Bytes value, long lease) {
        KvCommand.Txn putIfAbsent = new KvCommand.Txn(
                List.of(new Compare(Compare.Target.CREATE, Compare.Result.EQUAL, KeyRange.single(key), 0, Bytes.EMPTY)),
                List.of(KvCommand.Put.withLease(key, value, lease)),
                List.of(KvCommand.Range.of(KeyRange.single(key))));
        return replies.backend().write(putIfAbsent).thenApply(result -> {
            KvResult.TxnResult txn = expect(result, KvResult.TxnResult.class);
            if (txn.succeeded()) return txn.revision();
            KvResult.RangeResult existing = (KvResult.RangeResult) txn.responses().get(0);
            if (existing.kvs().isEmpty()) throw Status.ABORTED.withDescription("parley: the lock key vanished; retry").asRuntimeException();
            return existing.kvs().get(0).createRevision();
        });
    }

    /**
     * Completes once no key under the lock's prefix was created before {@code createRevision} and the
     * waiter's own key still exists (its lease did not expire meanwhile).
     */
    CompletableFuture<Void> waitForTurn(Bytes prefix, Bytes key, long createRevision, Context context) {
        if (context.isCancelled()) return CompletableFuture.failedFuture(Status.CANCELLED.withDescription("parley: the lock request was canceled").asRuntimeException());
        KvCommand.Range lastBefore = KvCommand.Range.of(KeyRange.prefix(prefix))
                .sortedBy(KvCommand.SortTarget.CREATE, KvCommand.SortOrder.DESCEND)
                .withRevisionBounds(0, 0, 0, createRevision - 1).withLimit(1);
        return replies.backend().read(lastBefore, false).thenCompose(result -> {
            KvResult.RangeResult before = expect(result, KvResult.RangeResult.class);
            if (before.kvs().isEmpty()) return ownKeyStillThere(key);
            return changed(KeyRange.single(before.kvs().get(0).key()), before.revision(), context)
                    .thenCompose(gone -> waitForTurn(prefix, key, createRevision, context));
        });
    }

    private CompletableFuture<Void> ownKeyStillThere(Bytes key) {
        return replies.backend().read(KvCommand.Range.of(KeyRange.single(key)), false).thenApply(result -> {
            if (expect(result, KvResult.RangeResult.class).kvs().isEmpty()) {
                throw Status.FAILED_PRECONDITION.withDescription("parley: the lock's lease expired while it waited").asRuntimeException();
            }
            return null;
        });
    }

    /**
     * Completes at the first change (put or delete) in {@code range} after revision {@code seenAt};
     * fails when the client cancels. The caller looks again: a change that does not matter to it
     * (a predecessor's new value) only costs a read.
     */
    CompletableFuture<Void> changed(KeyRange range, long seenAt, Context context) {
        CompletableFuture<Void> gone = new CompletableFuture<>();
        AtomicReference<WatchHandle> handle = new AtomicReference<>();
        WatchRequest request = WatchRequest.of(range, seenAt + 1);
        handle.set(replies.backend().watch(request, response -> {
            if (response.canceled()) {
                gone.completeExceptionally(Status.UNAVAILABLE.withDescription("parley: the watch on the lock ended: "
                        + response.cancelReason()).asRuntimeException());
            } else if (!response.events().isEmpty()) {
                gone.complete(null);
            }
            return true; // it keeps nothing: never needs to slow the watch down
        }));
        Context.CancellationListener onCancel = cancelled -> gone.completeExceptionally(
                Status.CANCELLED.withDescription("parley: the lock request was canceled").asRuntimeException());
        context.addListener(onCancel, Runnable::run);
        return gone.whenComplete((unused, error) -> {
            context.removeListener(onCancel);
            WatchHandle watch = handle.get();
            if (watch != null) watch.cancel();
        });
    }

    /** Deletes the waiter's key, best effort (its lease would expire it anyway). */
    void release(Bytes key) {
        replies.backend().write(new KvCommand.DeleteRange(KeyRange.single(key), false));
    }

    static <R extends KvResult> R expect(KvResult result, Class<R> type) {
        if (result instanceof KvResult.Failure failure) throw EtcdErrors.of(failure);
        if (!type.isInstance(result)) {
            throw Status.INTERNAL.withDescription("parley: unexpected result " + result.getClass().getSimpleName()).asRuntimeException();
        }
        return type.cast(result);
    }
}
