package parley.harness;

import java.util.TreeMap;
import parley.core.Check;
import parley.raft.HardState;

/**
 * What a storage has made durable, as far as its syncs vouch for it: the hard state and the log
 * prefix that the last completed sync covered. The harness checks Raft's durability order against it
 * on every send, whatever the storage underneath (the simulator's journal or the real log on a
 * simulated file system).
 */
final class DurableState {
    /** What a requested sync will make durable when it completes. */
    private record Covered(HardState hardState, long lastIndex) {}

    private final TreeMap<Long, Covered> pendingSyncs = new TreeMap<>();
    private HardState durableHardState;
    /** Every entry of the current log up to this index is durable. */
    private long stableIndex;

    /** After recovery: what was read back is durable. */
    DurableState(HardState recovered, long recoveredLastIndex) {
        this.durableHardState = recovered;
        this.stableIndex = recoveredLastIndex;
    }

    void syncRequested(long syncId, HardState hardState, long lastIndex) {
        pendingSyncs.put(syncId, new Covered(hardState, lastIndex));
    }

    void synced(long syncId) {
        Covered covered = pendingSyncs.remove(syncId);
        Check.that(covered != null, "sync %d completed but was never requested", syncId);
        durableHardState = covered.hardState();
        stableIndex = Math.max(stableIndex, covered.lastIndex());
    }

    /** Entries after {@code index} leave the log: neither they nor pending syncs can vouch for them. */
    void forgetAfter(long index) {
        stableIndex = Math.min(stableIndex, index);
        pendingSyncs.replaceAll((id, covered) -> new Covered(covered.hardState(), Math.min(covered.lastIndex(), index)));
    }

    HardState durableHardState() {
        return durableHardState;
    }

    long stableIndex() {
        return stableIndex;
    }
}
