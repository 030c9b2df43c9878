package parley.etcdapi;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.ResponseOp;
import io.etcd.jetcd.api.TxnResponse;
import io.etcd.jetcd.api.WatchResponse;
import parley.kv.Bytes;
import parley.kv.KeyValue;
import parley.kv.KvResult;

/**
 * The kv module's results to etcd's protobuf responses, field by field. Responses nested in a txn
 * carry a header holding only their revision, as etcd's do; the top-level header is the caller's.
 */
final class ResponseMapper {
    private ResponseMapper() {}

    /** etcd's response header: who answers, and the revision the answer is at. */
    static ResponseHeader header(ClusterHeader cluster, long revision) {
        return ResponseHeader.newBuilder().setClusterId(cluster.clusterId()).setMemberId(cluster.memberId())
                .setRevision(revision).setRaftTerm(cluster.raftTerm()).build();
    }

    static RangeResponse range(ResponseHeader header, KvResult.RangeResult result) {
        RangeResponse.Builder response = RangeResponse.newBuilder().setHeader(header).setMore(result.more())
                .setCount(result.count());
        for (KeyValue kv : result.kvs()) {
            response.addKvs(keyValue(kv));
        }
        return response.build();
    }

    static PutResponse put(ResponseHeader header, KvResult.PutResult result) {
        PutResponse.Builder response = PutResponse.newBuilder().setHeader(header);
        if (result.prevKv() != null) {
            response.setPrevKv(keyValue(result.prevKv()));
        }
        return response.build();
    }

    static DeleteRangeResponse deleteRange(ResponseHeader header, KvResult.DeleteRangeResult result) {
        DeleteRangeResponse.Builder response = DeleteRangeResponse.newBuilder().setHeader(header)
                .setDeleted(result.deleted());
        for (KeyValue kv : result.prevKvs()) {
            response.addPrevKvs(keyValue(kv));
        }
        return response.build();
    }

    static TxnResponse txn(ResponseHeader header, KvResult.TxnResult result) {
        TxnResponse.Builder response = TxnResponse.newBuilder().setHeader(header).setSucceeded(result.succeeded());
        for (KvResult.OpResult op : result.responses()) {
            response.addResponses(op(op));
        }
        return response.build();
    }

    private static ResponseOp op(KvResult.OpResult result) {
        ResponseHeader nested = ResponseHeader.newBuilder().setRevision(result.revision()).build();
        return switch (result) {
            case KvResult.RangeResult range -> ResponseOp.newBuilder().setResponseRange(range(nested, range)).build();
            case KvResult.PutResult put -> ResponseOp.newBuilder().setResponsePut(put(nested, put)).build();
            case KvResult.DeleteRangeResult delete ->
                    ResponseOp.newBuilder().setResponseDeleteRange(deleteRange(nested, delete)).build();
            case KvResult.TxnResult txn -> ResponseOp.newBuilder().setResponseTxn(txn(nested, txn)).build();
        };
    }

    /** One watch response; a compacted watch is canceled with the compact revision, as etcd's is. */
    static WatchResponse watch(ClusterHeader cluster, parley.kv.WatchResponse response) {
        WatchResponse.Builder out = WatchResponse.newBuilder().setHeader(header(cluster, response.revision()))
                .setWatchId(response.watchId()).setCreated(response.created()).setCanceled(response.canceled())
                .setCompactRevision(response.compactRevision()).setCancelReason(response.cancelReason());
        for (parley.kv.Event event : response.events()) {
            out.addEvents(event(event));
        }
        return out.build();
    }

    static Event event(parley.kv.Event event) {
        Event.Builder out = Event.newBuilder()
                .setType(event.type() == parley.kv.Event.Type.PUT ? Event.EventType.PUT : Event.EventType.DELETE)
                .setKv(keyValue(event.kv()));
        if (event.prevKv() != null) {
            out.setPrevKv(keyValue(event.prevKv()));
        }
        return out.build();
    }

    static io.etcd.jetcd.api.KeyValue keyValue(KeyValue kv) {
        return io.etcd.jetcd.api.KeyValue.newBuilder().setKey(byteString(kv.key()))
                .setCreateRevision(kv.createRevision()).setModRevision(kv.modRevision()).setVersion(kv.version())
                .setValue(byteString(kv.value())).setLease(kv.lease()).build();
    }

    /** Wraps without a second copy: {@link Bytes#bytes()} already hands out a fresh array. */
    static ByteString byteString(Bytes bytes) {
        return bytes.isEmpty() ? ByteString.EMPTY : UnsafeByteOperations.unsafeWrap(bytes.bytes());
    }
}
