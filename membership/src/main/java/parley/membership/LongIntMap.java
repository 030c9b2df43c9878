package parley.membership;

import java.util.Arrays;

/**
 * An open-addressing map from long keys to non-negative int values (linear probing, backward-shift
 * deletion). It exists because a member table is held by every node for every member: at 10,000 members
 * simulated 10,000 times, boxed {@code HashMap<Long, Integer>} entries would cost gigabytes.
 */
final class LongIntMap {
    private static final int EMPTY = -1;

    private long[] keys;
    private int[] values;
    private int size;
    private int mask;

    LongIntMap(int expected) {
        int capacity = Integer.highestOneBit(Math.max(4, expected * 4 / 3 + 1) - 1) << 1;
        allocate(capacity);
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        values = new int[capacity];
        Arrays.fill(values, EMPTY);
        mask = capacity - 1;
    }

    int size() {
        return size;
    }

    /** The value for {@code key}, or -1. */
    int get(long key) {
        for (int slot = slot(key); ; slot = (slot + 1) & mask) {
            int value = values[slot];
            if (value == EMPTY) return -1;
            if (keys[slot] == key) return value;
        }
    }

    /** Sets {@code key} to {@code value} (value >= 0), replacing any previous value. */
    void put(long key, int value) {
        if (value < 0) throw new IllegalArgumentException("values must be >= 0: " + value);
        if ((size + 1) * 4 > keys.length * 3) grow();
        for (int slot = slot(key); ; slot = (slot + 1) & mask) {
            if (values[slot] == EMPTY) {
                keys[slot] = key;
                values[slot] = value;
                size++;
                return;
            }
            if (keys[slot] == key) {
                values[slot] = value;
                return;
            }
        }
    }

    /** Removes {@code key}; returns whether it was there. */
    boolean remove(long key) {
        int slot = slot(key);
        while (true) {
            if (values[slot] == EMPTY) return false;
            if (keys[slot] == key) break;
            slot = (slot + 1) & mask;
        }
        // Backward-shift: move later entries of the probe chain into the hole so lookups stay correct.
        int hole = slot;
        for (int next = (hole + 1) & mask; values[next] != EMPTY; next = (next + 1) & mask) {
            int home = slot(keys[next]);
            boolean movable = hole <= next ? (home <= hole || home > next) : (home <= hole && home > next);
            if (movable) {
                keys[hole] = keys[next];
                values[hole] = values[next];
                hole = next;
            }
        }
        values[hole] = EMPTY;
        size--;
        return true;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        allocate(keys.length * 2);
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != EMPTY) put(oldKeys[i], oldValues[i]);
        }
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
