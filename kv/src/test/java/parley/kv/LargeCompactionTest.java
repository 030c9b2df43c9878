package parley.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/**
 * A compaction whose range touches more keys than it tracks at once (65,536) and spans many chunks:
 * it must still drop every superseded change exactly once, and keep what reads at the compact
 * revision and after need.
 */
class LargeCompactionTest {
    private static final int KEYS = 70_000;

    @Test
    void aCompactionOverMoreKeysThanItTracksDropsEachSupersededChangeOnce() {
        KvStateMachine kv = new KvStateMachine();
        long index = 0;
        for (int round = 0; round < 2; round++) {
            for (int k = 0; k < KEYS; k++) {
                kv.apply(++index, KvCodec.encodeCommand(KvCommand.Put.of(key(k), Bytes.utf8("v" + round))));
            }
        }
        kv.apply(++index, KvCodec.encodeCommand(KvCommand.DeleteRange.of(KeyRange.single(key(0)))));
        long middle = kv.revision() - KEYS / 2; // half of the second round lies above it
        kv.apply(++index, KvCodec.encodeCommand(new KvCommand.Compact(middle)));
        MvccStore store = kv.store();
        // Below the compact revision only the versions live at it survive; at and above it, everything:
        // the first round's versions of the keys rewritten at or below it (keys 0..KEYS/2) go.
        assertEquals(2 * KEYS + 1 - (KEYS / 2 + 1), store.historySize(), "first round's superseded versions dropped");
        long stored = 0;
        for (Mutation change : store.allChanges()) stored += change.kv().key().length() + change.kv().value().length();
        assertEquals(stored, store.storedBytes());
        assertEquals(KEYS - 1, store.liveKeyCount());
        assertEquals("v1", store.get(key(1)).value().toUtf8());
        assertEquals("v0", store.get(key(KEYS - 1), middle).value().toUtf8(), "a key first rewritten above the compact revision");
        assertEquals("v1", store.get(key(1), middle).value().toUtf8());
        assertNull(store.get(key(0)));
        kv.apply(++index, KvCodec.encodeCommand(new KvCommand.Compact(kv.revision())));
        // The live versions remain, and the tombstone: changes at exactly the compact revision all stay.
        assertEquals(KEYS, store.historySize());
        stored = 0;
        for (Mutation change : store.allChanges()) stored += change.kv().key().length() + change.kv().value().length();
        assertEquals(stored, store.storedBytes());
    }

    private static Bytes key(int k) {
        return Bytes.utf8(String.format("key/%06d", k));
    }
}
