package parley.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The caches of one node's groups share one budget: together they never hold more. */
class LiveCacheTest {
    private static Mutation put(String key, int valueBytes, long revision) {
        return new Mutation(new Revision(revision, 0), Event.Type.PUT,
                new KeyValue(Bytes.utf8(key), revision, revision, 1, new Bytes(new byte[valueBytes]), 0));
    }

    @Test
    void groupsShareOneBudgetAndEvictTheirOwnLeastRecentlyUsedFirst() {
        LiveCacheBudget budget = new LiveCacheBudget(10_000);
        LiveCache one = new LiveCache(budget);
        LiveCache other = new LiveCache(budget);
        for (int i = 0; i < 20; i++) one.put(Bytes.utf8("a" + i), put("a" + i, 1000, i + 2));
        assertTrue(budget.bytes() <= 10_000, "within the budget: " + budget.bytes());
        assertEquals(budget.bytes(), one.bytes());
        assertNull(one.get(Bytes.utf8("a0")), "the least recently used went first");
        assertEquals(1000, one.get(Bytes.utf8("a19")).kv().value().length());

        // The budget is spent: another group's cache finds no room and caches nothing (it holds no entry to evict).
        other.put(Bytes.utf8("b"), put("b", 1000, 50));
        assertNull(other.get(Bytes.utf8("b")));
        assertEquals(0, other.bytes());

        one.clear();
        assertEquals(0, budget.bytes(), "a cleared cache gives its bytes back");
        other.put(Bytes.utf8("b"), put("b", 1000, 50));
        assertEquals(1000, other.get(Bytes.utf8("b")).kv().value().length());
        other.put(Bytes.utf8("gone"), null);
        assertSame(LiveCache.ABSENT, other.get(Bytes.utf8("gone")), "absence is cached too");
        other.remove(Bytes.utf8("b"));
        other.remove(Bytes.utf8("gone"));
        assertEquals(0, budget.bytes());
    }

    @Test
    void aStoreReadsTheSameWithNoCacheRoomAtAll() {
        Kv withCache = new Kv();
        KvStateMachine noCache = new KvStateMachine(KvConfig.defaults(), new parley.engine.MemoryEngine(), new LiveCacheBudget(0));
        long index = 0;
        for (int i = 0; i < 50; i++) {
            KvCommand put = KvCommand.Put.of(Bytes.utf8("k" + (i % 7)), Bytes.utf8("v" + i));
            withCache.apply(put);
            noCache.apply(++index, KvCodec.encodeCommand(put));
        }
        KvCommand all = KvCommand.Range.of(KeyRange.all());
        assertEquals(withCache.machine.read(all), noCache.read(all));
        assertEquals(withCache.machine.hash(), noCache.hash());
    }
}
