package parley.kv;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The checks etcd's API layer makes before a request reaches the store ({@code checkPutRequest},
 * {@code checkTxnRequest}, {@code checkIntervals}): they depend only on the request, never on the
 * state, so the gRPC server may run them early too. Here they run again at apply, on every replica,
 * so a request that slipped past a server is still refused the same way everywhere.
 */
final class RequestValidator {
    private final KvConfig config;

    RequestValidator(KvConfig config) {
        this.config = config;
    }

    /** Rejects {@code op} when it is malformed, oversized, or (a txn) writes a key twice. */
    void validate(KvCommand.Op op) {
        validate(op, 1);
        if (op instanceof KvCommand.Txn txn) {
            checkIntervals(txn.success());
            checkIntervals(txn.failure());
        }
    }

    private void validate(KvCommand.Op op, int depth) {
        switch (op) {
            case KvCommand.Range range -> requireKey(range.range().key());
            case KvCommand.DeleteRange delete -> requireKey(delete.range().key());
            case KvCommand.Put put -> validatePut(put);
            case KvCommand.Txn txn -> validateTxn(txn, depth);
        }
    }

    private static void requireKey(Bytes key) {
        if (key.isEmpty()) {
            throw new KvRejection(KvError.EMPTY_KEY);
        }
    }

    private static void validatePut(KvCommand.Put put) {
        requireKey(put.key());
        if (put.ignoreValue() && !put.value().isEmpty()) {
            throw new KvRejection(KvError.VALUE_PROVIDED);
        }
        if (put.ignoreLease() && put.lease() != 0) {
            throw new KvRejection(KvError.LEASE_PROVIDED);
        }
    }

    private void validateTxn(KvCommand.Txn txn, int depth) {
        if (depth > config.txnDepthMax()) {
            throw new KvRejection(KvError.INVALID_ARGUMENT, KvCodec.txnTooDeep(depth - 1 + depthOf(txn), config.txnDepthMax()));
        }
        int opsMax = config.txnOpsMax();
        if (txn.compares().size() > opsMax || txn.success().size() > opsMax || txn.failure().size() > opsMax) {
            throw new KvRejection(KvError.TOO_MANY_OPS);
        }
        for (KvCommand.Op op : txn.success()) {
            validate(op, depth + 1);
        }
        for (KvCommand.Op op : txn.failure()) {
            validate(op, depth + 1);
        }
    }

    /** How deep {@code txn} nests: 1 for a txn of plain ops. */
    private static int depthOf(KvCommand.Txn txn) {
        int below = 0;
        for (List<KvCommand.Op> branch : List.of(txn.success(), txn.failure())) {
            for (KvCommand.Op op : branch) {
                if (op instanceof KvCommand.Txn nested) below = Math.max(below, depthOf(nested));
            }
        }
        return 1 + below;
    }

    /** The keys a branch may put and the ranges it may delete, over all nested outcomes. */
    private record Writes(TreeSet<Bytes> puts, List<KeyRange> deletes) {}

    /**
     * etcd's {@code checkIntervals}: within one branch, no key may be put twice, nor put and deleted.
     * A nested txn's two branches exclude each other, so the same key in both is fine.
     */
    private static Writes checkIntervals(List<KvCommand.Op> ops) {
        List<KeyRange> deletes = new ArrayList<>();
        for (KvCommand.Op op : ops) {
            if (op instanceof KvCommand.DeleteRange delete) {
                deletes.add(delete.range());
            }
        }
        TreeSet<Bytes> puts = new TreeSet<>();
        for (KvCommand.Op op : ops) {
            if (op instanceof KvCommand.Txn nested) {
                Writes then = checkIntervals(nested.success());
                Writes otherwise = checkIntervals(nested.failure());
                for (Bytes key : then.puts()) {
                    addPut(puts, deletes, key, false);
                }
                for (Bytes key : otherwise.puts()) {
                    addPut(puts, deletes, key, then.puts().contains(key));
                }
                deletes.addAll(then.deletes());
                deletes.addAll(otherwise.deletes());
            }
        }
        for (KvCommand.Op op : ops) {
            if (op instanceof KvCommand.Put put) {
                addPut(puts, deletes, put.key(), false);
            }
        }
        return new Writes(puts, deletes);
    }

    private static void addPut(TreeSet<Bytes> puts, List<KeyRange> deletes, Bytes key, boolean seenInOtherBranch) {
        if (puts.contains(key) && !seenInOtherBranch) {
            throw new KvRejection(KvError.DUPLICATE_KEY, "put " + key + " twice");
        }
        for (KeyRange deleted : deletes) {
            if (deleted.contains(key)) {
                throw new KvRejection(KvError.DUPLICATE_KEY, "put " + key + " inside deleted range " + deleted);
            }
        }
        puts.add(key);
    }
}
