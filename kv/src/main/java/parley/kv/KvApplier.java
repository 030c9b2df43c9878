package parley.kv;

import java.util.List;

/**
 * Gives each {@link KvCommand} its etcd meaning on the store and the lease table. A command is
 * first checked (request shape, then against the state), then carried out in one write transaction;
 * a check that fails yields a {@link KvResult.Failure} and changes nothing.
 */
final class KvApplier {
    private final MvccStore store;
    private final LeaseTable leases;
    private final KvConfig config;
    private final RequestValidator validator;
    private final OpExecutor executor;

    KvApplier(MvccStore store, LeaseTable leases, KvConfig config) {
        this.store = store;
        this.leases = leases;
        this.config = config;
        this.validator = new RequestValidator(config);
        this.executor = new OpExecutor(store, leases);
    }

    /** Applies {@code command}; never throws for a bad command, only for a broken invariant. */
    KvResult apply(KvCommand command) {
        try {
            return switch (command) {
                case KvCommand.Op op -> applyOp(op);
                case KvCommand.Compact compact -> compact(compact.revision());
                case KvCommand.LeaseGrant grant -> grant(grant.id(), grant.ttlSeconds());
                case KvCommand.LeaseRevoke revoke -> revoke(revoke.id());
                case KvCommand.LeaseExpire expire -> revoke(expire.id());
                case KvCommand.LeaseKeepAlive keepAlive ->
                        new KvResult.LeaseKeepAliveResult(store.revision(), keepAlive.id(), requireLease(keepAlive.id()));
                case KvCommand.LeaseTimeToLive query -> timeToLive(query);
                case KvCommand.LeaseList list -> new KvResult.LeaseListResult(store.revision(), leases.ids());
            };
        } catch (KvRejection rejection) {
            return new KvResult.Failure(store.revision(), rejection.error, rejection.detail);
        }
    }

    /** Whether {@code command} only reads, so a replica may answer it without the log. */
    static boolean isReadOnly(KvCommand command) {
        return switch (command) {
            case KvCommand.Range range -> true;
            case KvCommand.Txn txn -> txn.success().stream().allMatch(KvApplier::isReadOnly)
                    && txn.failure().stream().allMatch(KvApplier::isReadOnly);
            case KvCommand.LeaseTimeToLive query -> true;
            case KvCommand.LeaseList list -> true;
            default -> false;
        };
    }

    private KvResult applyOp(KvCommand.Op op) {
        validator.validate(op);
        TxnPath path = op instanceof KvCommand.Txn txn ? TxnPath.plan(txn, store) : null;
        checkWrites(op, path);
        checkReads(op, path);
        if (op instanceof KvCommand.Range range) {
            return RangeQuery.run(store, range, store.revision());
        }
        store.beginWrite();
        KvResult.OpResult result = executor.execute(op, path);
        store.endWrite();
        return result;
    }

    /** etcd's {@code checkRequestPut} over the ops that will run: needed keys and leases exist. */
    private void checkWrites(KvCommand.Op op, TxnPath path) {
        switch (op) {
            case KvCommand.Put put -> {
                if ((put.ignoreValue() || put.ignoreLease()) && store.get(put.key()) == null) {
                    throw new KvRejection(KvError.KEY_NOT_FOUND, put.key().toString());
                }
                if (put.lease() != 0 && !leases.contains(put.lease())) {
                    throw new KvRejection(KvError.LEASE_NOT_FOUND, "lease " + put.lease());
                }
            }
            case KvCommand.Txn txn -> forChosen(txn, path, this::checkWrites);
            default -> {}
        }
    }

    /** etcd's {@code checkRequestRange} over the ops that will run: revisions are readable. */
    private void checkReads(KvCommand.Op op, TxnPath path) {
        switch (op) {
            case KvCommand.Range range -> checkReadable(range.revision());
            case KvCommand.Txn txn -> forChosen(txn, path, this::checkReads);
            default -> {}
        }
    }

    private interface OpCheck {
        void check(KvCommand.Op op, TxnPath path);
    }

    private static void forChosen(KvCommand.Txn txn, TxnPath path, OpCheck check) {
        var nested = path.nested().iterator();
        for (KvCommand.Op op : path.chosenOps(txn)) {
            check.check(op, op instanceof KvCommand.Txn ? nested.next() : null);
        }
    }

    private void checkReadable(long revision) {
        if (revision > store.revision()) {
            throw new KvRejection(KvError.FUTURE_REV, "revision " + revision + " > " + store.revision());
        }
        if (revision > 0 && revision < store.compactRevision()) {
            throw new KvRejection(KvError.COMPACTED, "revision " + revision + " < " + store.compactRevision());
        }
    }

    private KvResult compact(long revision) {
        if (revision <= store.compactRevision()) {
            throw new KvRejection(KvError.COMPACTED, "revision " + revision + " <= " + store.compactRevision());
        }
        if (revision > store.revision()) {
            throw new KvRejection(KvError.FUTURE_REV, "revision " + revision + " > " + store.revision());
        }
        store.compact(revision);
        return new KvResult.CompactResult(store.revision());
    }

    private KvResult grant(long id, long ttlSeconds) {
        if (ttlSeconds > config.leaseTtlSecondsMax()) {
            throw new KvRejection(KvError.LEASE_TTL_TOO_LARGE, ttlSeconds + " s");
        }
        if (leases.contains(id)) {
            throw new KvRejection(KvError.LEASE_EXISTS, "lease " + id);
        }
        long grantedTtlSeconds = Math.max(ttlSeconds, config.leaseTtlSecondsMin());
        long grantedId = leases.grant(id, grantedTtlSeconds);
        return new KvResult.LeaseGrantResult(store.revision(), grantedId, grantedTtlSeconds);
    }

    private KvResult revoke(long id) {
        requireLease(id);
        store.beginWrite();
        executor.revoke(id);
        return new KvResult.LeaseRevokeResult(store.endWrite());
    }

    private KvResult timeToLive(KvCommand.LeaseTimeToLive query) {
        long ttlSeconds = requireLease(query.id());
        List<Bytes> keys = query.keys() ? leases.keysOf(query.id()) : List.of();
        return new KvResult.LeaseTimeToLiveResult(store.revision(), query.id(), ttlSeconds, keys);
    }

    /** The lease's granted TTL; rejects the command when the lease does not exist. */
    private long requireLease(long id) {
        long ttlSeconds = leases.ttlSeconds(id);
        if (ttlSeconds < 0) {
            throw new KvRejection(KvError.LEASE_NOT_FOUND, "lease " + id);
        }
        return ttlSeconds;
    }
}
