package parley.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static parley.kv.Kv.b;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import parley.kv.Compare.Result;

/** etcd's txn: compares, branches, one revision, reads see earlier writes, checks before writes. */
class TxnTest {
    private final Kv kv = new Kv();

    private KvResult.TxnResult txn(List<Compare> compares, List<KvCommand.Op> success, List<KvCommand.Op> failure) {
        return kv.expect(KvResult.TxnResult.class, new KvCommand.Txn(compares, success, failure));
    }

    private boolean holds(Compare compare) {
        return txn(List.of(compare), List.of(), List.of()).succeeded();
    }

    private static KvCommand.Put put(String key, String value) {
        return KvCommand.Put.of(b(key), b(value));
    }

    private static KvCommand.Range get(String key) {
        return KvCommand.Range.of(KeyRange.single(b(key)));
    }

    @Test
    void compareAndSwapOnValue() {
        kv.put("foo", "old");
        KvResult.TxnResult swapped = txn(List.of(Compare.value(b("foo"), Result.EQUAL, b("old"))),
                List.of(put("foo", "new")), List.of(get("foo")));
        assertTrue(swapped.succeeded());
        assertEquals(3, swapped.revision());
        KvResult.TxnResult refused = txn(List.of(Compare.value(b("foo"), Result.EQUAL, b("old"))),
                List.of(put("foo", "newer")), List.of(get("foo")));
        assertFalse(refused.succeeded());
        assertEquals(3, refused.revision());
        KvResult.RangeResult read = assertInstanceOf(KvResult.RangeResult.class, refused.responses().get(0));
        assertEquals(b("new"), read.kvs().get(0).value());
    }

    @Test
    void everyTargetAndComparison() {
        long lease = kv.grant(5, 60);
        kv.put("foo", "m", lease); // 2
        kv.put("foo", "m", lease); // 3: version 2
        assertTrue(holds(Compare.version(b("foo"), Result.EQUAL, 2)));
        assertTrue(holds(Compare.version(b("foo"), Result.GREATER, 1)));
        assertTrue(holds(Compare.version(b("foo"), Result.LESS, 3)));
        assertTrue(holds(Compare.version(b("foo"), Result.NOT_EQUAL, 0)));
        assertTrue(holds(Compare.createRevision(b("foo"), Result.EQUAL, 2)));
        assertTrue(holds(Compare.modRevision(b("foo"), Result.EQUAL, 3)));
        assertTrue(holds(Compare.lease(b("foo"), Result.EQUAL, 5)));
        assertTrue(holds(Compare.value(b("foo"), Result.GREATER, b("a"))));
        assertTrue(holds(Compare.value(b("foo"), Result.LESS, b("n"))));
        assertFalse(holds(Compare.value(b("foo"), Result.NOT_EQUAL, b("m"))));
    }

    @Test
    void aMissingKeyComparesAsZeroExceptForValue() {
        assertTrue(holds(Compare.version(b("nope"), Result.EQUAL, 0)), "version 0: the key does not exist");
        assertTrue(holds(Compare.createRevision(b("nope"), Result.EQUAL, 0)));
        assertTrue(holds(Compare.modRevision(b("nope"), Result.LESS, 1)));
        assertFalse(holds(Compare.value(b("nope"), Result.EQUAL, Bytes.EMPTY)), "a value compare on nothing fails");
        assertFalse(holds(Compare.value(b("nope"), Result.NOT_EQUAL, b("x"))));
    }

    @Test
    void aRangeCompareMustHoldForEveryKey() {
        kv.put("k1", "a");
        kv.put("k2", "b");
        Compare allVersionOne = Compare.version(b("k"), Result.EQUAL, 1).over(KeyRange.prefix(b("k")));
        assertTrue(holds(allVersionOne));
        kv.put("k2", "c");
        assertFalse(holds(allVersionOne));
        assertTrue(holds(Compare.modRevision(b("k"), Result.LESS, 5).over(KeyRange.prefix(b("k")))));
    }

    @Test
    void laterOpsSeeEarlierWritesOfTheSameTxn() {
        kv.put("a", "1");
        KvResult.TxnResult result = txn(List.of(), List.of(put("a", "2"), get("a"), put("b", "x"),
                KvCommand.Range.of(KeyRange.all())), List.of());
        KvResult.RangeResult afterPut = assertInstanceOf(KvResult.RangeResult.class, result.responses().get(1));
        assertEquals(new KeyValue(b("a"), 2, 3, 2, b("2"), 0), afterPut.kvs().get(0));
        KvResult.RangeResult all = assertInstanceOf(KvResult.RangeResult.class, result.responses().get(3));
        assertEquals(List.of("a", "b"), Kv.keys(all.kvs()));
        assertEquals(3, result.revision());
        assertEquals(3, kv.revision());
    }

    @Test
    void deleteThenReadInOneTxn() {
        kv.put("a", "1");
        KvResult.TxnResult result = txn(List.of(), List.of(
                new KvCommand.DeleteRange(KeyRange.single(b("a")), true), get("a")), List.of());
        KvResult.DeleteRangeResult deleted = assertInstanceOf(KvResult.DeleteRangeResult.class, result.responses().get(0));
        assertEquals(b("1"), deleted.prevKvs().get(0).value());
        assertEquals(List.of(), assertInstanceOf(KvResult.RangeResult.class, result.responses().get(1)).kvs());
    }

    @Test
    void duplicateKeysAreRefusedAsEtcdDoes() {
        assertEquals(KvError.DUPLICATE_KEY, kv.failure(new KvCommand.Txn(List.of(),
                List.of(put("a", "1"), put("a", "2")), List.of())).error());
        assertEquals(KvError.DUPLICATE_KEY, kv.failure(new KvCommand.Txn(List.of(),
                List.of(put("b", "1"), KvCommand.DeleteRange.of(KeyRange.prefix(b("b")))), List.of())).error());
        KvCommand.Txn nested = new KvCommand.Txn(List.of(), List.of(put("c", "1")), List.of(put("c", "2")));
        kv.expect(KvResult.TxnResult.class, new KvCommand.Txn(List.of(), List.of(nested), List.of()));
        assertEquals(KvError.DUPLICATE_KEY, kv.failure(new KvCommand.Txn(List.of(),
                List.of(nested, put("c", "3")), List.of())).error());
        // The success and failure branches of the top-level txn are checked separately.
        kv.expect(KvResult.TxnResult.class, new KvCommand.Txn(List.of(), List.of(put("d", "1")), List.of(put("d", "2"))));
        assertEquals(3, kv.revision(), "only the two accepted txns wrote");
    }

    @Test
    void nestedComparesSeeTheStateBeforeTheTxn() {
        KvCommand.Txn nested = new KvCommand.Txn(List.of(Compare.version(b("a"), Result.EQUAL, 0)),
                List.of(put("seen", "absent")), List.of(put("seen", "present")));
        KvResult.TxnResult result = txn(List.of(), List.of(put("a", "1"), nested), List.of());
        assertTrue(assertInstanceOf(KvResult.TxnResult.class, result.responses().get(1)).succeeded());
        assertEquals(b("absent"), kv.get("seen").value());
    }

    @Test
    void aFailedCheckRefusesTheWholeTxnBeforeAnyWrite() {
        kv.put("a", "1");
        KvResult.Failure noLease = kv.failure(new KvCommand.Txn(List.of(),
                List.of(put("b", "1"), KvCommand.Put.withLease(b("c"), b("1"), 99)), List.of()));
        assertEquals(KvError.LEASE_NOT_FOUND, noLease.error());
        assertNull(kv.get("b"));
        assertEquals(2, kv.revision());
        KvResult.Failure future = kv.failure(new KvCommand.Txn(List.of(),
                List.of(put("b", "1"), get("a").atRevision(3)), List.of()));
        assertEquals(KvError.FUTURE_REV, future.error());
        // A bad op on the branch not taken is not checked, as in etcd.
        kv.expect(KvResult.TxnResult.class, new KvCommand.Txn(List.of(Compare.version(b("a"), Result.EQUAL, 1)),
                List.of(put("b", "1")), List.of(KvCommand.Put.withLease(b("c"), b("1"), 99))));
        assertEquals(b("1"), kv.get("b").value());
    }

    @Test
    void tooManyOpsAndTooDeepNestingAreRefused() {
        KvConfig config = new KvConfig(3, 2, 1, 100, 10, 100, 10);
        Kv small = new Kv(config);
        List<KvCommand.Op> four = List.of(put("a", "1"), put("b", "1"), put("c", "1"), put("d", "1"));
        assertEquals(KvError.TOO_MANY_OPS, small.failure(new KvCommand.Txn(List.of(), four, List.of())).error());
        assertEquals(KvError.TOO_MANY_OPS, small.failure(new KvCommand.Txn(
                Collections.nCopies(4, Compare.version(b("a"), Result.EQUAL, 0)), List.of(), List.of())).error());
        KvCommand.Txn depth3 = new KvCommand.Txn(List.of(), List.of(new KvCommand.Txn(List.of(),
                List.of(new KvCommand.Txn(List.of(), List.of(), List.of())), List.of())), List.of());
        assertEquals(KvError.INVALID_ARGUMENT, small.failure(depth3).error());
    }
}
