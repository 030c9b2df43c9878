package parley.etcdapi;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import java.util.ArrayList;
import java.util.List;
import parley.kv.Bytes;
import parley.kv.Compare;
import parley.kv.KeyRange;
import parley.kv.KvCommand;
import parley.kv.WatchRequest;

/**
 * etcd's protobuf requests to the kv module's records, field by field. Enum values arrive as numbers,
 * because the generated classes predate some of etcd 3.4's values (the LEASE compare target) and a
 * number the store does not know is refused here rather than guessed.
 */
final class RequestMapper {
    /** etcd 3.4's {@code Compare.lease} operand (field 8), which the generated class does not know. */
    private static final int COMPARE_LEASE_FIELD = 8;
    private static final int FILTER_NO_PUT = 0;
    private static final int FILTER_NO_DELETE = 1;

    private RequestMapper() {}

    static KvCommand.Range range(RangeRequest request) {
        return new KvCommand.Range(keys(request.getKey(), request.getRangeEnd()), request.getRevision(),
                request.getLimit(), sortOrder(request.getSortOrderValue()), sortTarget(request.getSortTargetValue()),
                request.getKeysOnly(), request.getCountOnly(), request.getMinModRevision(),
                request.getMaxModRevision(), request.getMinCreateRevision(), request.getMaxCreateRevision());
    }

    static KvCommand.Put put(PutRequest request) {
        return new KvCommand.Put(bytes(request.getKey()), bytes(request.getValue()), request.getLease(),
                request.getPrevKv(), request.getIgnoreValue(), request.getIgnoreLease());
    }

    static KvCommand.DeleteRange deleteRange(DeleteRangeRequest request) {
        return new KvCommand.DeleteRange(keys(request.getKey(), request.getRangeEnd()), request.getPrevKv());
    }

    static KvCommand.Txn txn(TxnRequest request) {
        List<Compare> compares = new ArrayList<>(request.getCompareCount());
        for (io.etcd.jetcd.api.Compare compare : request.getCompareList()) {
            compares.add(compare(compare));
        }
        return new KvCommand.Txn(compares, ops(request.getSuccessList()), ops(request.getFailureList()));
    }

    static KvCommand.Compact compact(CompactionRequest request) {
        return new KvCommand.Compact(request.getRevision());
    }

    /**
     * A watch create request. A negative start revision means "from now", like 0: etcd's watch store
     * treats both as "no history wanted".
     */
    static WatchRequest watch(WatchCreateRequest request) {
        boolean noPut = false;
        boolean noDelete = false;
        for (int filter : request.getFiltersValueList()) {
            switch (filter) {
                case FILTER_NO_PUT -> noPut = true;
                case FILTER_NO_DELETE -> noDelete = true;
                default -> throw EtcdErrors.malformed("watch filter " + filter);
            }
        }
        return new WatchRequest(keys(request.getKey(), request.getRangeEnd()), Math.max(0, request.getStartRevision()),
                request.getPrevKv(), noPut, noDelete);
    }

    /** Whether the txn writes, in any branch at any depth; such a txn goes through consensus. */
    static boolean writes(TxnRequest request) {
        return writes(request.getSuccessList()) || writes(request.getFailureList());
    }

    /** etcd's {@code isTxnSerializable}: every op, at any depth, is a range asking for serializable. */
    static boolean serializable(TxnRequest request) {
        return serializable(request.getSuccessList()) && serializable(request.getFailureList());
    }

    private static boolean writes(List<RequestOp> ops) {
        for (RequestOp op : ops) {
            boolean opWrites = switch (op.getRequestCase()) {
                case REQUEST_PUT, REQUEST_DELETE_RANGE -> true;
                case REQUEST_TXN -> writes(op.getRequestTxn());
                case REQUEST_RANGE, REQUEST_NOT_SET -> false;
            };
            if (opWrites) {
                return true;
            }
        }
        return false;
    }

    private static boolean serializable(List<RequestOp> ops) {
        for (RequestOp op : ops) {
            boolean opSerializable = switch (op.getRequestCase()) {
                case REQUEST_RANGE -> op.getRequestRange().getSerializable();
                case REQUEST_TXN -> serializable(op.getRequestTxn());
                default -> false;
            };
            if (!opSerializable) {
                return false;
            }
        }
        return true;
    }

    private static List<KvCommand.Op> ops(List<RequestOp> requests) {
        List<KvCommand.Op> ops = new ArrayList<>(requests.size());
        for (RequestOp request : requests) {
            ops.add(switch (request.getRequestCase()) {
                case REQUEST_RANGE -> range(request.getRequestRange());
                case REQUEST_PUT -> put(request.getRequestPut());
                case REQUEST_DELETE_RANGE -> deleteRange(request.getRequestDeleteRange());
                case REQUEST_TXN -> txn(request.getRequestTxn());
                case REQUEST_NOT_SET -> throw EtcdErrors.malformed("txn op without a request");
            });
        }
        return ops;
    }

    /**
     * One compare. As in etcd, the operand is read from the union member the target names; a union
     * holding another member reads as zero (or an empty value).
     */
    static Compare compare(io.etcd.jetcd.api.Compare compare) {
        Compare.Result result = switch (compare.getResultValue()) {
            case 0 -> Compare.Result.EQUAL;
            case 1 -> Compare.Result.GREATER;
            case 2 -> Compare.Result.LESS;
            case 3 -> Compare.Result.NOT_EQUAL;
            default -> throw EtcdErrors.malformed("compare result " + compare.getResultValue());
        };
        KeyRange range = keys(compare.getKey(), compare.getRangeEnd());
        return switch (compare.getTargetValue()) {
            case 0 -> new Compare(Compare.Target.VERSION, result, range, compare.getVersion(), Bytes.EMPTY);
            case 1 -> new Compare(Compare.Target.CREATE, result, range, compare.getCreateRevision(), Bytes.EMPTY);
            case 2 -> new Compare(Compare.Target.MOD, result, range, compare.getModRevision(), Bytes.EMPTY);
            case 3 -> new Compare(Compare.Target.VALUE, result, range, 0, bytes(compare.getValue()));
            case 4 -> new Compare(Compare.Target.LEASE, result, range, leaseOperand(compare), Bytes.EMPTY);
            default -> throw EtcdErrors.malformed("compare target " + compare.getTargetValue());
        };
    }

    private static long leaseOperand(io.etcd.jetcd.api.Compare compare) {
        UnknownFieldSet.Field field = compare.getUnknownFields().getField(COMPARE_LEASE_FIELD);
        List<Long> varints = field.getVarintList();
        return varints.isEmpty() ? 0 : varints.get(varints.size() - 1); // proto3: the last one wins
    }

    private static KvCommand.SortOrder sortOrder(int value) {
        KvCommand.SortOrder[] orders = KvCommand.SortOrder.values();
        if (value < 0 || value >= orders.length) {
            throw EtcdErrors.malformed("sort order " + value);
        }
        return orders[value];
    }

    private static KvCommand.SortTarget sortTarget(int value) {
        KvCommand.SortTarget[] targets = KvCommand.SortTarget.values();
        if (value < 0 || value >= targets.length) {
            throw EtcdErrors.malformed("sort target " + value);
        }
        return targets[value];
    }

    static KeyRange keys(ByteString key, ByteString rangeEnd) {
        return new KeyRange(bytes(key), bytes(rangeEnd));
    }

    static Bytes bytes(ByteString bytes) {
        return bytes.isEmpty() ? Bytes.EMPTY : new Bytes(bytes.toByteArray());
    }
}
