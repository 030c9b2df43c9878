package parley.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static parley.kv.Kv.b;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** etcd's range: limit, more, count, sort, filters, keys-only, count-only. */
class RangeTest {
    private final Kv kv = new Kv();

    @BeforeEach
    void fill() {
        kv.put("a", "3"); // 2
        kv.put("b", "1"); // 3
        kv.put("c", "2"); // 4
        kv.put("d", "0"); // 5
        kv.put("b", "9"); // 6
    }

    private KvResult.RangeResult range(KvCommand.Range range) {
        return kv.range(range);
    }

    @Test
    void limitCutsOffAndSetsMoreWhileCountIsTheTotal() {
        KvResult.RangeResult result = range(KvCommand.Range.of(KeyRange.fromKey(b("a"))).withLimit(2));
        assertEquals(List.of("a", "b"), Kv.keys(result.kvs()));
        assertTrue(result.more());
        assertEquals(4, result.count());
        KvResult.RangeResult exact = range(KvCommand.Range.of(KeyRange.fromKey(b("a"))).withLimit(4));
        assertFalse(exact.more());
        assertEquals(4, exact.kvs().size());
    }

    @Test
    void rangeEndSelectsIntervalsPrefixesAndTheRest() {
        assertEquals(List.of("b", "c"), Kv.keys(range(KvCommand.Range.of(new KeyRange(b("b"), b("d")))).kvs()));
        assertEquals(List.of("c", "d"), Kv.keys(range(KvCommand.Range.of(KeyRange.fromKey(b("c")))).kvs()));
        kv.put("bz", "x");
        assertEquals(List.of("b", "bz"), Kv.keys(range(KvCommand.Range.of(KeyRange.prefix(b("b")))).kvs()));
        assertEquals(List.of(), range(KvCommand.Range.of(new KeyRange(b("d"), b("a")))).kvs());
    }

    @Test
    void countOnlyAndKeysOnly() {
        KvResult.RangeResult count = range(KvCommand.Range.of(KeyRange.all()).withFlags(false, true));
        assertEquals(List.of(), count.kvs());
        assertEquals(4, count.count());
        KvResult.RangeResult keys = range(KvCommand.Range.of(KeyRange.all()).withFlags(true, false));
        assertTrue(keys.kvs().stream().allMatch(kv -> kv.value().isEmpty()));
        assertEquals(6, keys.kvs().get(1).modRevision());
    }

    @Test
    void sortByValueDescendingThenLimit() {
        KvResult.RangeResult result = range(KvCommand.Range.of(KeyRange.all())
                .sortedBy(KvCommand.SortTarget.VALUE, KvCommand.SortOrder.DESCEND).withLimit(2));
        assertEquals(List.of("b", "a"), Kv.keys(result.kvs()), "values 9, 3");
        assertTrue(result.more());
        assertEquals(4, result.count());
    }

    @Test
    void aNonKeyTargetWithoutOrderSortsAscendingAsEtcdDoes() {
        KvResult.RangeResult result = range(KvCommand.Range.of(KeyRange.all())
                .sortedBy(KvCommand.SortTarget.MOD, KvCommand.SortOrder.NONE));
        assertEquals(List.of("a", "c", "d", "b"), Kv.keys(result.kvs()));
        KvResult.RangeResult byKeyDown = range(KvCommand.Range.of(KeyRange.all())
                .sortedBy(KvCommand.SortTarget.KEY, KvCommand.SortOrder.DESCEND));
        assertEquals(List.of("d", "c", "b", "a"), Kv.keys(byKeyDown.kvs()));
        KvResult.RangeResult byVersion = range(KvCommand.Range.of(KeyRange.all())
                .sortedBy(KvCommand.SortTarget.VERSION, KvCommand.SortOrder.DESCEND));
        assertEquals("b", Kv.keys(byVersion.kvs()).get(0));
    }

    @Test
    void revisionFiltersPruneButCountStaysTheTotal() {
        KvResult.RangeResult modified = range(KvCommand.Range.of(KeyRange.all()).withRevisionBounds(4, 0, 0, 0));
        assertEquals(List.of("b", "c", "d"), Kv.keys(modified.kvs()));
        assertEquals(4, modified.count());
        KvResult.RangeResult created = range(KvCommand.Range.of(KeyRange.all()).withRevisionBounds(0, 0, 3, 4));
        assertEquals(List.of("b", "c"), Kv.keys(created.kvs()));
        KvResult.RangeResult limited = range(KvCommand.Range.of(KeyRange.all()).withRevisionBounds(0, 5, 0, 0).withLimit(1));
        assertEquals(List.of("a"), Kv.keys(limited.kvs()));
        assertTrue(limited.more());
    }

    @Test
    void limitAppliesAtAPastRevisionToo() {
        KvResult.RangeResult result = range(KvCommand.Range.of(KeyRange.all()).atRevision(3).withLimit(1));
        assertEquals(List.of("a"), Kv.keys(result.kvs()));
        assertTrue(result.more());
        assertEquals(2, result.count());
        assertEquals(b("1"), range(KvCommand.Range.of(KeyRange.single(b("b"))).atRevision(5)).kvs().get(0).value());
    }
}
