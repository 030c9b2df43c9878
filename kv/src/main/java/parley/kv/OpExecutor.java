package parley.kv;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import parley.core.Check;

/**
 * Carries out ops inside an open write transaction, keeping lease attachments in step with the
 * versions written. Everything that could fail was checked before the transaction opened, so
 * nothing here fails short of a broken invariant.
 */
final class OpExecutor {
    private final MvccStore store;
    private final LeaseTable leases;

    OpExecutor(MvccStore store, LeaseTable leases) {
        this.store = store;
        this.leases = leases;
    }

    /** Runs {@code op}; {@code path} is the decided path when {@code op} is a txn, else null. */
    KvResult.OpResult execute(KvCommand.Op op, TxnPath path) {
        return switch (op) {
            case KvCommand.Range range -> RangeQuery.run(store, range, store.readRevision());
            case KvCommand.Put put -> put(put);
            case KvCommand.DeleteRange delete -> deleteRange(delete);
            case KvCommand.Txn txn -> txn(txn, path);
        };
    }

    private KvResult.PutResult put(KvCommand.Put put) {
        KeyValue previous = store.get(put.key());
        Check.that(previous != null || !(put.ignoreValue() || put.ignoreLease()),
                "ignore_value/ignore_lease puts were checked to have a previous version");
        Bytes value = put.ignoreValue() ? previous.value() : put.value();
        long lease = put.ignoreLease() ? previous.lease() : put.lease();
        store.put(put.key(), value, lease);
        leases.reattach(put.key(), previous == null ? 0 : previous.lease(), lease);
        return new KvResult.PutResult(store.readRevision(), put.prevKv() ? previous : null);
    }

    private KvResult.DeleteRangeResult deleteRange(KvCommand.DeleteRange delete) {
        List<KeyValue> doomed = store.range(delete.range(), store.readRevision(), 0).kvs();
        for (KeyValue kv : doomed) {
            KeyValue deleted = store.delete(kv.key());
            Check.that(deleted != null, "a live key deletes: %s", kv.key());
            leases.reattach(kv.key(), kv.lease(), 0);
        }
        return new KvResult.DeleteRangeResult(store.readRevision(), doomed.size(),
                delete.prevKv() ? doomed : List.of());
    }

    private KvResult.TxnResult txn(KvCommand.Txn txn, TxnPath path) {
        Check.that(path != null, "a txn runs along a decided path");
        Iterator<TxnPath> nestedPaths = path.nested().iterator();
        List<KvResult.OpResult> responses = new ArrayList<>();
        for (KvCommand.Op op : path.chosenOps(txn)) {
            TxnPath nestedPath = op instanceof KvCommand.Txn ? nestedPaths.next() : null;
            responses.add(execute(op, nestedPath));
        }
        Check.that(!nestedPaths.hasNext(), "every nested path was followed");
        return new KvResult.TxnResult(store.readRevision(), path.succeeded(), responses);
    }

    /** Deletes every key of lease {@code id}, then the lease; inside an open write transaction. */
    void revoke(long id) {
        for (Bytes key : leases.keysOf(id)) {
            KeyValue deleted = store.delete(key);
            Check.that(deleted != null && deleted.lease() == id, "lease %d's key %s is live and attached", id, key);
            leases.detach(id, key);
        }
        leases.remove(id);
    }
}
