package parley.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static parley.kv.Kv.b;

import java.util.List;
import org.junit.jupiter.api.Test;

/** etcd's revision model: one store revision, +1 per changing write; per-key create/mod/version. */
class RevisionsTest {
    private final Kv kv = new Kv();

    @Test
    void emptyStoreIsAtRevisionOneAndFirstPutCreatesRevisionTwo() {
        assertEquals(1, kv.revision());
        KvResult.PutResult put = kv.put("foo", "bar");
        assertEquals(2, put.revision());
        assertEquals(new KeyValue(b("foo"), 2, 2, 1, b("bar"), 0), kv.get("foo"));
    }

    @Test
    void eachPutRaisesModRevisionAndVersionButNotCreateRevision() {
        kv.put("foo", "1");
        kv.put("other", "x");
        kv.put("foo", "2");
        assertEquals(new KeyValue(b("foo"), 2, 4, 2, b("2"), 0), kv.get("foo"));
    }

    @Test
    void deleteEndsTheGenerationSoTheNextPutStartsOver() {
        kv.put("foo", "1");
        kv.put("foo", "2");
        KvResult.DeleteRangeResult deleted = kv.delete("foo");
        assertEquals(1, deleted.deleted());
        assertEquals(4, deleted.revision());
        assertNull(kv.get("foo"));
        kv.put("foo", "3");
        assertEquals(new KeyValue(b("foo"), 5, 5, 1, b("3"), 0), kv.get("foo"));
    }

    @Test
    void writesThatChangeNothingKeepTheRevision() {
        kv.put("foo", "1");
        KvResult.DeleteRangeResult none = kv.delete("missing");
        assertEquals(0, none.deleted());
        assertEquals(2, none.revision());
        KvResult.TxnResult readOnly = kv.expect(KvResult.TxnResult.class, new KvCommand.Txn(List.of(),
                List.of(KvCommand.Range.of(KeyRange.single(b("foo")))), List.of()));
        assertEquals(2, readOnly.revision());
        assertEquals(2, kv.revision());
    }

    @Test
    void oneTxnIsOneRevisionWithSubRevisions() {
        KvResult.TxnResult txn = kv.expect(KvResult.TxnResult.class, new KvCommand.Txn(List.of(),
                List.of(KvCommand.Put.of(b("a"), b("1")), KvCommand.Put.of(b("b"), b("2")),
                        KvCommand.Put.of(b("c"), b("3"))), List.of()));
        assertEquals(2, txn.revision());
        assertEquals(2, kv.get("a").modRevision());
        assertEquals(2, kv.get("c").createRevision());
        assertEquals(3, kv.machine.store().historySize());
    }

    @Test
    void deleteRangeDeletesAllLiveKeysInOneRevisionAndReturnsPrevKvs() {
        kv.put("a", "1");
        kv.put("b", "2");
        kv.put("c", "3");
        KvResult.DeleteRangeResult deleted = kv.expect(KvResult.DeleteRangeResult.class,
                new KvCommand.DeleteRange(new KeyRange(b("a"), b("c")), true));
        assertEquals(5, deleted.revision());
        assertEquals(2, deleted.deleted());
        assertEquals(List.of("a", "b"), Kv.keys(deleted.prevKvs()));
        assertEquals(List.of("c"), Kv.keys(kv.range(KvCommand.Range.of(KeyRange.all())).kvs()));
    }

    @Test
    void putReturnsThePreviousVersionWhenAsked() {
        kv.put("foo", "1");
        KvResult.PutResult put = kv.expect(KvResult.PutResult.class, KvCommand.Put.of(b("foo"), b("2")).returningPrevKv());
        assertEquals(new KeyValue(b("foo"), 2, 2, 1, b("1"), 0), put.prevKv());
        assertNull(kv.put("foo", "3").prevKv(), "prevKv only when asked");
    }

    @Test
    void ignoreValueAndIgnoreLeaseKeepTheCurrentOnes() {
        long lease = kv.grant(7, 10);
        kv.put("foo", "1", lease);
        kv.expect(KvResult.PutResult.class, new KvCommand.Put(b("foo"), Bytes.EMPTY, 0, false, true, true));
        KeyValue now = kv.get("foo");
        assertEquals(b("1"), now.value());
        assertEquals(7, now.lease());
        assertEquals(2, now.version());
        kv.expect(KvResult.PutResult.class, new KvCommand.Put(b("foo"), b("2"), 0, false, false, true));
        assertEquals(7, kv.get("foo").lease());
        assertEquals(KvError.KEY_NOT_FOUND, kv.failure(new KvCommand.Put(b("nope"), Bytes.EMPTY, 0, false, true, false)).error());
        assertEquals(KvError.VALUE_PROVIDED, kv.failure(new KvCommand.Put(b("foo"), b("x"), 0, false, true, false)).error());
        assertEquals(KvError.LEASE_PROVIDED, kv.failure(new KvCommand.Put(b("foo"), b("x"), 7, false, false, true)).error());
    }

    @Test
    void emptyKeysAreRefused() {
        assertEquals(KvError.EMPTY_KEY, kv.failure(KvCommand.Put.of(Bytes.EMPTY, b("x"))).error());
        assertEquals(KvError.EMPTY_KEY, kv.failure(KvCommand.Range.of(KeyRange.single(Bytes.EMPTY))).error());
        assertEquals(KvError.EMPTY_KEY, kv.failure(KvCommand.DeleteRange.of(KeyRange.single(Bytes.EMPTY))).error());
    }

    @Test
    void pastRevisionsReadThePast() {
        kv.put("foo", "1");
        kv.put("foo", "2");
        kv.delete("foo");
        kv.put("foo", "3");
        assertNull(kv.get("foo", 1));
        assertEquals(b("1"), kv.get("foo", 2).value());
        assertEquals(b("2"), kv.get("foo", 3).value());
        assertNull(kv.get("foo", 4));
        assertEquals(b("3"), kv.get("foo", 5).value());
        KvResult.RangeResult past = kv.range(KvCommand.Range.of(KeyRange.single(b("foo"))).atRevision(2));
        assertEquals(5, past.revision(), "the header reports the current revision, as etcd's");
    }

    @Test
    void futureRevisionsAreRefused() {
        kv.put("foo", "1");
        KvResult.Failure failure = kv.failure(KvCommand.Range.of(KeyRange.single(b("foo"))).atRevision(3));
        assertEquals(KvError.FUTURE_REV, failure.error());
        assertEquals("mvcc: required revision is a future revision", failure.error().message());
    }

    @Test
    void compactionDropsHistoryBelowButKeepsWhatIsReadableAtIt() {
        kv.put("foo", "1"); // 2
        kv.put("foo", "2"); // 3
        kv.put("bar", "1"); // 4
        kv.delete("bar"); // 5
        kv.put("foo", "3"); // 6
        kv.expect(KvResult.CompactResult.class, new KvCommand.Compact(5));
        assertEquals(5, kv.machine.compactRevision());
        assertEquals(b("2"), kv.get("foo", 5).value(), "the version current at the compact revision stays");
        assertNull(kv.get("bar", 5));
        assertEquals(b("3"), kv.get("foo").value());
        KvResult.Failure failure = kv.failure(KvCommand.Range.of(KeyRange.single(b("foo"))).atRevision(4));
        assertEquals(KvError.COMPACTED, failure.error());
        assertEquals("mvcc: required revision has been compacted", failure.error().message());
        assertEquals("etcdserver: mvcc: required revision has been compacted", failure.error().grpcMessage());
        // foo@3, foo@6, and bar's tombstone at exactly 5 (kept so a watch from 5 still sees the delete).
        assertEquals(3, kv.machine.store().historySize());
        kv.expect(KvResult.CompactResult.class, new KvCommand.Compact(6));
        assertEquals(1, kv.machine.store().historySize(), "only foo@6 is left");
    }

    @Test
    void compactionToAnOldOrFutureRevisionIsAnError() {
        kv.put("foo", "1");
        kv.put("foo", "2");
        assertEquals(KvError.FUTURE_REV, kv.failure(new KvCommand.Compact(4)).error());
        kv.expect(KvResult.CompactResult.class, new KvCommand.Compact(2));
        assertEquals(KvError.COMPACTED, kv.failure(new KvCommand.Compact(2)).error());
        assertEquals(KvError.COMPACTED, kv.failure(new KvCommand.Compact(1)).error());
        kv.expect(KvResult.CompactResult.class, new KvCommand.Compact(3));
    }

    @Test
    void compactionKeepsVersionsAndCreateRevisionsOfLiveKeys() {
        kv.put("foo", "1");
        kv.put("foo", "2");
        kv.expect(KvResult.CompactResult.class, new KvCommand.Compact(3));
        kv.put("foo", "3");
        assertEquals(new KeyValue(b("foo"), 2, 4, 3, b("3"), 0), kv.get("foo"));
    }
}
