package parley.kv;

import parley.core.Check;

/**
 * The replicated key-value state machine: what a Raft group applies its committed log to. It has
 * the shape of {@code parley.raft.StateMachine} ({@code apply}, {@code snapshot}, {@code restore})
 * without depending on the raft module; the runtime adapts one to the other.
 *
 * <p>Determinism is the contract. Given the same commands at the same indexes, every replica returns
 * the same result bytes, reaches the same {@link #hash()}, and writes the same snapshot bytes. Hence
 * {@link #apply(long, byte[])} never throws for a bad command: a command that does not decode, or
 * that etcd would refuse, becomes a {@link KvResult.Failure} that every replica computes alike. Only
 * a broken invariant (a bug) throws, and then the replica must stop rather than diverge.
 *
 * <p>Besides the replicated state, the machine hosts this replica's {@link WatchHub}, fed by each
 * apply and left out of snapshots.
 */
public final class KvStateMachine {
    private final KvConfig config;
    private final MvccStore store;
    private final LeaseTable leases = new LeaseTable();
    private final KvApplier applier;
    private final WatchHub watches;

    public KvStateMachine() {
        this(KvConfig.defaults());
    }

    public KvStateMachine(KvConfig config) {
        this(config, new parley.engine.MemoryEngine());
    }

    /** A state machine whose store lives on {@code engine}, which must be empty. */
    public KvStateMachine(KvConfig config, parley.engine.KvEngine engine) {
        this(config, engine, new LiveCacheBudget(LiveCacheBudget.GROUP_BYTES_DEFAULT));
    }

    /** A state machine whose store lives on {@code engine}, caching hot keys within a node's shared {@code cacheBudget}. */
    public KvStateMachine(KvConfig config, parley.engine.KvEngine engine, LiveCacheBudget cacheBudget) {
        this.config = config;
        this.store = new MvccStore(engine, cacheBudget);
        this.applier = new KvApplier(store, leases, config);
        this.watches = new WatchHub(store, config);
    }

    /**
     * Applies the command at log {@code index} and returns the encoded {@link KvResult}. Indexes must
     * increase; a command at or below the last applied index is skipped with
     * {@link KvError#STALE_INDEX}, so re-delivery after a restart cannot apply anything twice.
     */
    public byte[] apply(long index, byte[] command) {
        KvResult result;
        try {
            result = apply(index, KvCodec.decodeCommand(command));
        } catch (IllegalArgumentException malformed) {
            result = staleOr(index, new KvResult.Failure(store.revision(), KvError.MALFORMED_COMMAND,
                    String.valueOf(malformed.getMessage())));
        }
        return KvCodec.encodeResult(result);
    }

    /** Applies an already decoded command at log {@code index}; see {@link #apply(long, byte[])}. */
    public KvResult apply(long index, KvCommand command) {
        if (index <= store.appliedIndex()) {
            return KvResult.Failure.of(store.revision(), KvError.STALE_INDEX);
        }
        store.applying(index);
        KvResult result = applier.apply(command);
        Check.that(result.revision() == store.revision(), "a result reports the revision after its command");
        return result;
    }

    private KvResult staleOr(long index, KvResult result) {
        if (index <= store.appliedIndex()) {
            return KvResult.Failure.of(store.revision(), KvError.STALE_INDEX);
        }
        store.applying(index);
        return result;
    }

    /**
     * Answers a read-only command (a range, a txn without writes, a lease query) from this replica's
     * state, without the log: serializable reads, or linearizable ones once the runtime has
     * confirmed through ReadIndex that this replica applied everything committed before the read.
     * A command that writes gets {@link KvError#NOT_A_READ}.
     */
    public KvResult read(KvCommand command) {
        if (!KvApplier.isReadOnly(command)) {
            return KvResult.Failure.of(store.revision(), KvError.NOT_A_READ);
        }
        KvResult result = applier.apply(command);
        Check.that(result.revision() == store.revision(), "a read leaves the revision alone");
        return result;
    }

    /** The replicated state as bytes: history since the compact revision, leases, counters. */
    public byte[] snapshot() {
        return SnapshotCodec.encode(store.appliedIndex(), store, leases);
    }

    /**
     * Replaces the state with a snapshot's. Throws {@link IllegalArgumentException} for a corrupt or
     * inconsistent snapshot, leaving the current state untouched. Watches survive and catch up from
     * the restored history (or are canceled as compacted).
     */
    public void restore(byte[] snapshot) {
        SnapshotCodec.Content content = SnapshotCodec.decode(snapshot);
        java.util.List<KeyValue> live = SnapshotCodec.liveValues(content.changes());
        for (KeyValue kv : live) {
            if (kv.lease() != 0 && !content.leaseTtls().containsKey(kv.lease())) {
                throw new IllegalArgumentException("malformed kv snapshot: key " + kv.key()
                        + " names missing lease " + kv.lease());
            }
        }
        leases.reset(content.leaseTtls(), content.leaseIdNext(), live);
        store.reset(content.revision(), content.compactRevision(), content.appliedIndex(), content.changes());
    }

    /**
     * A 64-bit FNV-1a hash of the replicated state (revision, compact revision, history, leases),
     * for checkers to compare replicas that applied the same log prefix. It leaves out the applied
     * index, which is Raft's bookkeeping rather than key-value state, so a model without a log can be
     * compared too.
     */
    public long hash() {
        long[] hash = {0xcbf29ce484222325L};
        WireWriter out = new WireWriter(64 << 10, (buffer, length) -> {
            long h = hash[0];
            for (int i = 0; i < length; i++) {
                h ^= buffer[i] & 0xff;
                h *= 0x100000001b3L;
            }
            hash[0] = h;
        });
        SnapshotCodec.writeState(out, store, leases);
        out.flush();
        return hash[0];
    }

    public long revision() {
        return store.revision();
    }

    public long compactRevision() {
        return store.compactRevision();
    }

    /** The last log index applied (or restored from a snapshot); 0 initially. */
    public long appliedIndex() {
        return store.appliedIndex();
    }

    /** Read access to the store (its writing methods are this package's). */
    public MvccStore store() {
        return store;
    }

    /** Read access to the lease table, e.g. to build the leader's {@link LeaseClock}. */
    public LeaseTable leases() {
        return leases;
    }

    /** This replica's watches. */
    public WatchHub watches() {
        return watches;
    }

    public KvConfig config() {
        return config;
    }
}
