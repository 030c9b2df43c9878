package parley.kv;

import java.util.ArrayList;
import java.util.List;

/**
 * Which branch a transaction takes, and recursively which branches its nested transactions take.
 * etcd decides every branch up front ({@code compareToPath}), against the state before the
 * transaction writes anything; a nested compare therefore does not see the writes of ops before it.
 *
 * @param succeeded whether the transaction's compares all held
 * @param nested the paths of the nested transactions in the chosen branch, in op order
 */
record TxnPath(boolean succeeded, List<TxnPath> nested) {
    TxnPath {
        nested = List.copyOf(nested);
    }

    /** Decides the path of {@code txn} against the store's current state. */
    static TxnPath plan(KvCommand.Txn txn, MvccStore store) {
        boolean succeeded = true;
        for (Compare compare : txn.compares()) {
            if (!holds(compare, store)) {
                succeeded = false;
                break;
            }
        }
        List<TxnPath> nested = new ArrayList<>();
        for (KvCommand.Op op : succeeded ? txn.success() : txn.failure()) {
            if (op instanceof KvCommand.Txn inner) {
                nested.add(plan(inner, store));
            }
        }
        return new TxnPath(succeeded, nested);
    }

    /** The ops this path runs for {@code txn}. */
    List<KvCommand.Op> chosenOps(KvCommand.Txn txn) {
        return succeeded ? txn.success() : txn.failure();
    }

    private static boolean holds(Compare compare, MvccStore store) {
        List<KeyValue> kvs = store.range(compare.range(), store.revision(), 0).kvs();
        if (kvs.isEmpty()) {
            return compare.holdsFor(null);
        }
        for (KeyValue kv : kvs) {
            if (!compare.holdsFor(kv)) {
                return false;
            }
        }
        return true;
    }
}
