package parley.sim;

import java.util.HashMap;
import java.util.function.Consumer;

/**
 * The armed timers of one process incarnation. Each timer id owns one {@link Event} for its whole life,
 * moved in the queue when re-armed and removed when cancelled, so heartbeats and election timeouts
 * allocate nothing and leave no stale entries behind. Small non-negative ids sit in an array; other ids
 * in a map keyed by {@link Integer} (value hash, so iteration order is deterministic).
 */
final class TimerTable {
    private static final int DIRECT_IDS = 64;
    private static final int SPARSE_PURGE_THRESHOLD = 256;

    /** One timer id: whether it is armed, and when it is due on the node's local clock. */
    static final class Slot {
        final int timerId;
        final Event event;
        boolean armed;
        long dueLocalNs;

        Slot(Node<?> node, int timerId) {
            this.timerId = timerId;
            this.event = new Event(Event.TIMER);
            event.node = node;
            event.id = timerId;
        }
    }

    private final Node<?> node;
    private final Slot[] direct = new Slot[DIRECT_IDS];
    private final HashMap<Integer, Slot> sparse = new HashMap<>();

    TimerTable(Node<?> node) {
        this.node = node;
    }

    /** The slot for {@code timerId}, or null when it was never armed. */
    Slot find(int timerId) {
        if (timerId >= 0 && timerId < DIRECT_IDS) {
            return direct[timerId];
        }
        return sparse.get(timerId);
    }

    /** The slot for {@code timerId}, created when absent. */
    Slot slot(int timerId) {
        Slot slot = find(timerId);
        if (slot != null) {
            return slot;
        }
        slot = new Slot(node, timerId);
        if (timerId >= 0 && timerId < DIRECT_IDS) {
            direct[timerId] = slot;
        } else {
            if (sparse.size() >= SPARSE_PURGE_THRESHOLD) {
                sparse.values().removeIf(unused -> !unused.armed && !unused.event.queued() && !unused.event.buffered);
            }
            sparse.put(timerId, slot);
        }
        return slot;
    }

    /** Visits every armed timer in a deterministic order. */
    void forEachArmed(Consumer<Slot> visitor) {
        for (Slot slot : direct) {
            if (slot != null && slot.armed) {
                visitor.accept(slot);
            }
        }
        for (Slot slot : sparse.values()) {
            if (slot.armed) {
                visitor.accept(slot);
            }
        }
    }

    /** Disarms everything and takes every timer event out of {@code queue} (the process is gone). */
    void clear(EventQueue queue) {
        for (int i = 0; i < DIRECT_IDS; i++) {
            if (direct[i] != null) {
                queue.remove(direct[i].event);
                direct[i] = null;
            }
        }
        for (Slot slot : sparse.values()) {
            queue.remove(slot.event);
        }
        sparse.clear();
    }
}
