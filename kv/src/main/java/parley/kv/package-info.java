/**
 * The replicated key-value state machine: an MVCC store with etcd v3 semantics, applied in log
 * order on every replica of a Raft group.
 *
 * <h2>The story</h2>
 * A client's request becomes a {@link parley.kv.KvCommand} (put, delete range, range, txn, compact,
 * lease grant/revoke/keep-alive), is encoded by {@link parley.kv.KvCodec} and proposed to Raft. Once
 * committed, every replica hands the bytes to {@link parley.kv.KvStateMachine#apply(long, byte[])},
 * which decodes, checks and applies the command and returns an encoded {@link parley.kv.KvResult}.
 * Because this is deterministic (no clocks, no randomness, ordered collections only, and bad commands
 * turned into failures rather than exceptions), every replica ends in the same state, which
 * {@link parley.kv.KvStateMachine#hash()} lets a checker confirm.
 *
 * <h2>The pieces</h2>
 * <ul>
 *   <li>{@link parley.kv.MvccStore} keeps every version of every key by revision, as etcd's mvcc
 *       package does: one cluster-wide revision, +1 per write transaction that changes anything;
 *       create revision, mod revision and version per key; reads at past revisions until
 *       {@linkplain parley.kv.MvccStore#compact compaction}.</li>
 *   <li>{@code KvApplier} gives commands their etcd meaning on top: the API-layer checks
 *       ({@code RequestValidator}), transaction branches decided up front ({@code TxnPath}),
 *       state checks before any write, then execution in one write transaction
 *       ({@code OpExecutor}, {@code RangeQuery}).</li>
 *   <li>{@link parley.kv.LeaseTable} is the replicated half of leases (which exist, their TTLs,
 *       their keys); {@link parley.kv.LeaseClock} is the leader-local half (deadlines on the
 *       leader's clock), which proposes expiries through the log. Deadlines are never replicated,
 *       as in etcd, because clocks of different nodes cannot be compared.</li>
 *   <li>{@link parley.kv.WatchHub} serves watches on one replica: history replay from a start
 *       revision, then live events, gap-free and a whole revision at a time, collected by the
 *       runtime with {@link parley.kv.WatchHub#drain()}. Watches are not replicated state.</li>
 * </ul>
 *
 * <h2>Where Parley differs from etcd</h2>
 * Lease ids requested as 0 are chosen from replicated state (the next unused id) instead of by the
 * proposing server; a transaction's sort ties keep key order (Java's stable sort); nested
 * transactions are limited in depth; malformed or replayed log entries get Parley's own error codes.
 */
package parley.kv;
