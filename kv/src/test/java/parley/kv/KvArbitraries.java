package parley.kv;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Generators of keys, commands and results, over a small key space so that commands collide. */
final class KvArbitraries {
    private KvArbitraries() {}

    static Arbitrary<Bytes> keys() {
        return Arbitraries.of("a", "ab", "abc", "b", "b\0", "c", "d").map(Bytes::utf8);
    }

    static Arbitrary<Bytes> values() {
        return Arbitraries.of("", "0", "1", "x", "yy", "\u00ff").map(Bytes::utf8);
    }

    static Arbitrary<KeyRange> ranges() {
        return Arbitraries.oneOf(
                keys().map(KeyRange::single),
                keys().map(KeyRange::prefix),
                keys().map(KeyRange::fromKey),
                Combinators.combine(keys(), keys()).as(KeyRange::new));
    }

    static Arbitrary<KvCommand.Put> puts(Arbitrary<Long> leases) {
        return Combinators.combine(keys(), values(), leases, Arbitraries.of(true, false))
                .as((key, value, lease, prevKv) -> new KvCommand.Put(key, value, lease, prevKv, false, false));
    }

    static Arbitrary<KvCommand.DeleteRange> deletes() {
        return Combinators.combine(ranges(), Arbitraries.of(true, false)).as(KvCommand.DeleteRange::new);
    }

    static Arbitrary<KvCommand.Range> reads(Arbitrary<Long> revisions) {
        return Combinators.combine(ranges(), revisions, Arbitraries.longs().between(0, 3),
                        Arbitraries.of(KvCommand.SortOrder.class), Arbitraries.of(KvCommand.SortTarget.class),
                        Arbitraries.of(true, false), Arbitraries.of(true, false), Arbitraries.longs().between(0, 6))
                .as((range, revision, limit, order, target, keysOnly, countOnly, minMod) ->
                        new KvCommand.Range(range, revision, limit, order, target, keysOnly, countOnly, minMod, 0, 0, 0));
    }

    static Arbitrary<Compare> compares() {
        Arbitrary<Compare.Result> results = Arbitraries.of(Compare.Result.class);
        Arbitrary<Long> small = Arbitraries.longs().between(0, 8);
        return Arbitraries.oneOf(
                Combinators.combine(keys(), results, small).as(Compare::version),
                Combinators.combine(keys(), results, small).as(Compare::modRevision),
                Combinators.combine(keys(), results, small).as(Compare::createRevision),
                Combinators.combine(keys(), results, values()).as(Compare::value),
                Combinators.combine(keys(), results, Arbitraries.longs().between(0, 3)).as(Compare::lease));
    }

    /** Flat transactions of puts, deletes and reads at the current revision. */
    static Arbitrary<KvCommand.Txn> flatTxns(Arbitrary<Long> leases) {
        Arbitrary<KvCommand.Op> op = Arbitraries.oneOf(puts(leases), deletes(), reads(Arbitraries.just(0L)));
        return Combinators.combine(compares().list().ofMaxSize(2), op.list().ofMaxSize(3), op.list().ofMaxSize(3))
                .as(KvCommand.Txn::new);
    }

    /** Any command a client could send, leases included, with ids in a small range so they collide. */
    static Arbitrary<KvCommand> commands() {
        Arbitrary<Long> leaseIds = Arbitraries.longs().between(0, 3);
        Arbitrary<Long> revisions = Arbitraries.longs().between(0, 12);
        return Arbitraries.frequencyOf(
                Tuple2Weights.of(8, puts(leaseIds)),
                Tuple2Weights.of(3, deletes()),
                Tuple2Weights.of(3, reads(revisions)),
                Tuple2Weights.of(4, flatTxns(leaseIds)),
                Tuple2Weights.of(1, revisions.map(KvCommand.Compact::new)),
                Tuple2Weights.of(2, Combinators.combine(leaseIds, Arbitraries.longs().between(0, 20)).as(KvCommand.LeaseGrant::new)),
                Tuple2Weights.of(1, leaseIds.map(KvCommand.LeaseRevoke::new)),
                Tuple2Weights.of(1, leaseIds.map(KvCommand.LeaseExpire::new)),
                Tuple2Weights.of(1, leaseIds.map(KvCommand.LeaseKeepAlive::new)),
                Tuple2Weights.of(1, Combinators.combine(leaseIds, Arbitraries.of(true, false)).as(KvCommand.LeaseTimeToLive::new)),
                Tuple2Weights.of(1, Arbitraries.just(new KvCommand.LeaseList())));
    }

    /** Commands with nested transactions and every field varied, for the codec. */
    static Arbitrary<KvCommand> codecCommands() {
        return Arbitraries.oneOf(commands(), nestedTxns(3).map(txn -> (KvCommand) txn));
    }

    private static Arbitrary<KvCommand.Txn> nestedTxns(int depth) {
        Arbitrary<Long> any = Arbitraries.longs();
        Arbitrary<KvCommand.Op> leaf = Arbitraries.oneOf(puts(any), deletes(), reads(any),
                Combinators.combine(keys(), Arbitraries.of(true, false), Arbitraries.of(true, false))
                        .as((key, ignoreValue, ignoreLease) -> new KvCommand.Put(key, Bytes.EMPTY, 0, true, ignoreValue, ignoreLease)));
        Arbitrary<KvCommand.Op> op = depth <= 1 ? leaf
                : Arbitraries.frequencyOf(Tuple2Weights.of(4, leaf), Tuple2Weights.of(1, Arbitraries.lazy(() -> nestedTxns(depth - 1))));
        return Combinators.combine(compares().list().ofMaxSize(3), op.list().ofMaxSize(3), op.list().ofMaxSize(3))
                .as(KvCommand.Txn::new);
    }

    static Arbitrary<KeyValue> keyValues() {
        Arbitrary<Long> revisions = Arbitraries.longs().between(-1, Long.MAX_VALUE);
        return Combinators.combine(keys(), revisions, revisions, revisions, values(), Arbitraries.longs())
                .as(KeyValue::new);
    }

    static Arbitrary<KvResult> results() {
        Arbitrary<Long> revision = Arbitraries.longs();
        Arbitrary<KvResult.OpResult> opResults = Arbitraries.oneOf(
                Combinators.combine(revision, keyValues().list().ofMaxSize(3), Arbitraries.of(true, false), Arbitraries.longs())
                        .as(KvResult.RangeResult::new),
                Combinators.combine(revision, keyValues().injectNull(0.5)).as(KvResult.PutResult::new),
                Combinators.combine(revision, Arbitraries.longs(), keyValues().list().ofMaxSize(3)).as(KvResult.DeleteRangeResult::new));
        Arbitrary<KvResult.OpResult> txns = Combinators.combine(revision, Arbitraries.of(true, false), opResults.list().ofMaxSize(3))
                .as(KvResult.TxnResult::new);
        return Arbitraries.oneOf(
                opResults.map(result -> (KvResult) result),
                Combinators.combine(revision, Arbitraries.of(true, false), Arbitraries.oneOf(opResults, txns).list().ofMaxSize(3))
                        .as(KvResult.TxnResult::new),
                revision.map(KvResult.CompactResult::new),
                Combinators.combine(revision, Arbitraries.longs(), Arbitraries.longs()).as(KvResult.LeaseGrantResult::new),
                revision.map(KvResult.LeaseRevokeResult::new),
                Combinators.combine(revision, Arbitraries.longs(), Arbitraries.longs()).as(KvResult.LeaseKeepAliveResult::new),
                Combinators.combine(revision, Arbitraries.longs(), Arbitraries.longs(), keys().list().ofMaxSize(3))
                        .as(KvResult.LeaseTimeToLiveResult::new),
                Combinators.combine(revision, Arbitraries.longs().list().ofMaxSize(4)).as(KvResult.LeaseListResult::new),
                Combinators.combine(revision, Arbitraries.of(KvError.class), Arbitraries.strings().ascii().ofMaxLength(20))
                        .as(KvResult.Failure::new));
    }

    /** Shorthand for jqwik's weighted choice. */
    static final class Tuple2Weights {
        private Tuple2Weights() {}

        static <T> net.jqwik.api.Tuple.Tuple2<Integer, Arbitrary<? extends T>> of(int weight, Arbitrary<? extends T> arbitrary) {
            return net.jqwik.api.Tuple.of(weight, arbitrary);
        }
    }

    static List<Bytes> allKeys() {
        return List.of("a", "ab", "abc", "b", "b\0", "c", "d").stream().map(Bytes::utf8).toList();
    }
}
