package parley.sim;

import java.util.Arrays;

/**
 * Node id to dense index, without boxing: open addressing with linear probing. Ids are looked up on
 * every send, so this sits on the hot path. Never iterated, so its layout cannot leak into the run.
 */
final class LongIndexMap {
    private static final int MISSING = -1;

    private long[] keys = new long[16];
    private int[] values = new int[16];
    private int size;

    LongIndexMap() {
        Arrays.fill(values, MISSING);
    }

    /** The index for {@code key}, or -1. */
    int get(long key) {
        int mask = keys.length - 1;
        for (int slot = hash(key) & mask; ; slot = (slot + 1) & mask) {
            int value = values[slot];
            if (value == MISSING || keys[slot] == key) {
                return value;
            }
        }
    }

    /** Maps a new key; the key must be absent and the index non-negative. */
    void putNew(long key, int index) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        insert(key, index);
        size++;
    }

    private void insert(long key, int index) {
        int mask = keys.length - 1;
        int slot = hash(key) & mask;
        while (values[slot] != MISSING) {
            if (keys[slot] == key) {
                throw new IllegalArgumentException("duplicate node id " + key);
            }
            slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        values[slot] = index;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new int[oldValues.length * 2];
        Arrays.fill(values, MISSING);
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != MISSING) {
                insert(oldKeys[i], oldValues[i]);
            }
        }
    }

    private static int hash(long key) {
        long mixed = key * 0x9E3779B97F4A7C15L;
        return (int) (mixed ^ (mixed >>> 32));
    }
}
