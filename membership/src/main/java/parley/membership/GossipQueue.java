package parley.membership;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Updates waiting to be piggybacked, each sent a limited number of times (SWIM's infection-style
 * dissemination: lambda * log N transmissions reach everyone with high probability). At most one update
 * per member is queued: a newer fact about a member replaces the older one. Updates sent least often
 * go first, and among those the newest, so fresh news spreads before stale news is repeated.
 */
final class GossipQueue {
    private static final class Entry {
        final Update update;
        final long sequence;
        int transmissions;

        Entry(Update update, long sequence) {
            this.update = update;
            this.sequence = sequence;
        }
    }

    private static final Comparator<Entry> ORDER = Comparator
            .comparingInt((Entry e) -> e.transmissions)
            .thenComparing((Entry e) -> -e.sequence);

    private final TreeSet<Entry> queue = new TreeSet<>(ORDER);
    private final Map<Long, Entry> byMember = new HashMap<>();
    private long nextSequence;

    int size() {
        return byMember.size();
    }

    /** Queues {@code update}, replacing whatever was queued about the same member. */
    void enqueue(Update update) {
        Entry old = byMember.remove(update.memberId());
        if (old != null) queue.remove(old);
        Entry entry = new Entry(update, nextSequence++);
        byMember.put(update.memberId(), entry);
        queue.add(entry);
    }

    /** Drops anything queued about {@code memberId}. */
    void remove(long memberId) {
        Entry old = byMember.remove(memberId);
        if (old != null) queue.remove(old);
    }

    /**
     * Takes up to {@code max} updates to piggyback on one message, counting a transmission for each;
     * an update transmitted {@code transmitLimit} times leaves the queue.
     */
    List<Update> take(int max, int transmitLimit) {
        if (queue.isEmpty() || max <= 0) return List.of();
        List<Entry> taken = new ArrayList<>(Math.min(max, queue.size()));
        while (taken.size() < max && !queue.isEmpty()) {
            taken.add(queue.pollFirst());
        }
        List<Update> updates = new ArrayList<>(taken.size());
        for (Entry entry : taken) {
            updates.add(entry.update);
            entry.transmissions++;
            if (entry.transmissions < transmitLimit) {
                queue.add(entry);
            } else {
                byMember.remove(entry.update.memberId());
            }
        }
        return updates;
    }
}
