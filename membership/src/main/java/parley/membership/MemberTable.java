package parley.membership;

import java.util.Arrays;

/**
 * One node's view of every member, as parallel arrays indexed by slot (about 30 bytes per member, no
 * object per member): every node holds every member, so a 10,000-node simulation holds 10^8 entries.
 * Slots move when a member is removed (the last one fills the hole); callers keep ids, not slots.
 */
final class MemberTable {
    private long[] ids;
    private long[] incarnations;
    private byte[] states;
    private String[] addresses;
    private int size;
    private int liveCount;
    private final LongIntMap slotById;
    private static final MemberState[] STATES = MemberState.values();

    MemberTable(int expected) {
        int capacity = Math.max(4, expected);
        ids = new long[capacity];
        incarnations = new long[capacity];
        states = new byte[capacity];
        addresses = new String[capacity];
        slotById = new LongIntMap(capacity);
    }

    int size() {
        return size;
    }

    /** Members ALIVE or SUSPECT: the N of SWIM's formulas. */
    int liveCount() {
        return liveCount;
    }

    /** The slot of {@code id}, or -1. */
    int slotOf(long id) {
        return slotById.get(id);
    }

    /** Adds a member that is not in the table; returns its slot. */
    int add(long id, String address, long incarnation, MemberState state) {
        if (slotById.get(id) >= 0) throw new IllegalStateException("member n" + id + " is already in the table");
        if (size == ids.length) grow();
        int slot = size++;
        ids[slot] = id;
        incarnations[slot] = incarnation;
        states[slot] = (byte) state.ordinal();
        addresses[slot] = address;
        slotById.put(id, slot);
        if (!state.isDown()) liveCount++;
        return slot;
    }

    /** Removes {@code id}; returns whether it was there. */
    boolean remove(long id) {
        int slot = slotById.get(id);
        if (slot < 0) return false;
        if (!state(slot).isDown()) liveCount--;
        int last = size - 1;
        if (slot != last) {
            ids[slot] = ids[last];
            incarnations[slot] = incarnations[last];
            states[slot] = states[last];
            addresses[slot] = addresses[last];
            slotById.put(ids[slot], slot);
        }
        addresses[last] = null;
        slotById.remove(id);
        size--;
        return true;
    }

    long id(int slot) { return ids[slot]; }
    long incarnation(int slot) { return incarnations[slot]; }
    MemberState state(int slot) { return STATES[states[slot]]; }
    String address(int slot) { return addresses[slot]; }

    void set(int slot, long incarnation, MemberState state) {
        boolean wasLive = !state(slot).isDown();
        incarnations[slot] = incarnation;
        states[slot] = (byte) state.ordinal();
        if (wasLive && state.isDown()) liveCount--;
        if (!wasLive && !state.isDown()) liveCount++;
    }

    void setAddress(int slot, String address) {
        addresses[slot] = address;
    }

    Member member(int slot) {
        return new Member(ids[slot], addresses[slot], incarnations[slot], state(slot));
    }

    private void grow() {
        int capacity = ids.length * 2;
        ids = Arrays.copyOf(ids, capacity);
        incarnations = Arrays.copyOf(incarnations, capacity);
        states = Arrays.copyOf(states, capacity);
        addresses = Arrays.copyOf(addresses, capacity);
    }
}
