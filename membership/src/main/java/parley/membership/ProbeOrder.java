package parley.membership;

import java.util.Arrays;

import parley.core.env.RandomSource;

/**
 * SWIM's randomized round-robin: each round probes every live member once, in a freshly shuffled order,
 * which bounds the time until a failed member is first probed to one round (the paper's "time-bounded
 * completeness") where uniform random picks would only bound it in expectation. A member that joins
 * mid-round is inserted at a random position among those not yet probed.
 */
final class ProbeOrder {
    private long[] ids = new long[16];
    private int size;
    private int cursor;

    /** The next member to probe, or -1 when no member other than this node is probeable. */
    long next(MemberTable table, long selfId, RandomSource random) {
        for (int pass = 0; pass < 2; pass++) {
            while (cursor < size) {
                long id = ids[cursor++];
                if (probeable(table, selfId, id)) return id;
            }
            rebuild(table, selfId, random);
        }
        return -1;
    }

    /** Inserts a member that became probeable at a random position among the members not yet probed. */
    void insert(long id, RandomSource random) {
        if (size == ids.length) ids = Arrays.copyOf(ids, size * 2);
        ids[size++] = id;
        int position = cursor + random.nextInt(size - cursor);
        long moved = ids[position];
        ids[position] = id;
        ids[size - 1] = moved;
    }

    private void rebuild(MemberTable table, long selfId, RandomSource random) {
        size = 0;
        cursor = 0;
        if (ids.length < table.size()) ids = new long[table.size()];
        for (int slot = 0; slot < table.size(); slot++) {
            long id = table.id(slot);
            if (probeable(table, selfId, id)) ids[size++] = id;
        }
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long swap = ids[i];
            ids[i] = ids[j];
            ids[j] = swap;
        }
    }

    private static boolean probeable(MemberTable table, long selfId, long id) {
        if (id == selfId) return false;
        int slot = table.slotOf(id);
        return slot >= 0 && !table.state(slot).isDown();
    }
}
