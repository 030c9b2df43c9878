package parley.membership;

import java.util.ArrayList;
import java.util.List;

import parley.core.env.RandomSource;

/**
 * Picks distinct random members for ping-req helpers, push-pull partners and leave announcements, in
 * O(k) expected time on large views (random slots, retried a bounded number of times) and exactly on
 * small ones (a partial shuffle of the eligible members).
 */
final class PeerPicker {
    private static final int SMALL_VIEW = 64;
    private static final int ATTEMPTS_PER_PICK = 8;

    private final MembershipView view;
    private final long selfId;
    private final RandomSource random;

    PeerPicker(MembershipView view, long selfId, RandomSource random) {
        this.view = view;
        this.selfId = selfId;
        this.random = random;
    }

    /**
     * Up to {@code count} distinct members other than this node and {@code excludedId}: ALIVE only when
     * {@code aliveOnly} (helpers must be trusted to answer), else ALIVE or SUSPECT.
     */
    List<Long> pick(int count, long excludedId, boolean aliveOnly) {
        MemberTable table = view.table;
        List<Long> picked = new ArrayList<>(count);
        if (count <= 0) return picked;
        if (table.size() <= SMALL_VIEW) {
            List<Long> eligible = new ArrayList<>();
            for (int slot = 0; slot < table.size(); slot++) {
                if (eligible(table, slot, excludedId, aliveOnly)) eligible.add(table.id(slot));
            }
            for (int i = 0; i < count && i < eligible.size(); i++) {
                int j = i + random.nextInt(eligible.size() - i);
                Long swap = eligible.get(i);
                eligible.set(i, eligible.get(j));
                eligible.set(j, swap);
                picked.add(eligible.get(i));
            }
            return picked;
        }
        for (int attempt = 0; attempt < count * ATTEMPTS_PER_PICK && picked.size() < count; attempt++) {
            int slot = random.nextInt(table.size());
            if (eligible(table, slot, excludedId, aliveOnly) && !picked.contains(table.id(slot))) {
                picked.add(table.id(slot));
            }
        }
        return picked;
    }

    private boolean eligible(MemberTable table, int slot, long excludedId, boolean aliveOnly) {
        long id = table.id(slot);
        if (id == selfId || id == excludedId) return false;
        MemberState state = table.state(slot);
        return aliveOnly ? state == MemberState.ALIVE : !state.isDown();
    }
}
