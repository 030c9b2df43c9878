package parley.harness;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import parley.core.Check;

/**
 * What all servers of one run have claimed, checked as they claim it: at most one leader per term
 * (Election Safety) and the same command at each applied index on every replica (State Machine
 * Safety), each within one Raft group (groups have terms and indexes of their own). Also what the
 * replica hosts did with groups: a group destroyed on a node never runs there again. A violation
 * throws at the moment it happens, so the trace ends right at the bug.
 */
public final class SafetyLedger {
    /** A compact identity of an applied command: who sent it and what it returned. */
    private record Applied(long clientId, long sequence, int resultHash, long nodeId) {}

    /** A (group, term) or (group, index) pair. */
    private record InGroup(long groupId, long number) {}

    private final Map<InGroup, Long> leaderByTerm = new TreeMap<>(java.util.Comparator.comparingLong(InGroup::groupId).thenComparingLong(InGroup::number));
    private final Map<InGroup, Applied> appliedByIndex = new HashMap<>();
    /** Groups each node destroyed: the simulator's own memory, which no crash of the node erases. */
    private final Map<Long, java.util.Set<Long>> destroyedByNode = new TreeMap<>();
    private int leaderElections;
    private int groupsDestroyed;

    /** Node {@code nodeId} became leader of {@code term} in group {@code groupId}. */
    public void leaderElected(long groupId, long term, long nodeId) {
        Long previous = leaderByTerm.putIfAbsent(new InGroup(groupId, term), nodeId);
        Check.that(previous == null || previous == nodeId,
                "election safety: n%d and n%d both became leader of group %d in term %d", previous, nodeId, groupId, term);
        if (previous == null) leaderElections++;
    }

    /**
     * Node {@code nodeId} lost its whole data directory: what it destroyed is forgotten with the rest
     * (its tombstones were on that disk), and rebuilding its groups from the registry is legitimate.
     */
    public void nodeWiped(long nodeId) {
        destroyedByNode.remove(nodeId);
    }

    /** Node {@code nodeId} destroyed its replica of group {@code groupId} (its keyspace was dropped). */
    public void groupDestroyed(long nodeId, long groupId) {
        if (destroyedByNode.computeIfAbsent(nodeId, id -> new java.util.TreeSet<>()).add(groupId)) groupsDestroyed++;
    }

    /**
     * Node {@code nodeId} (re)started: its host must remember, as buried, every group it destroyed
     * before, whatever crashes came between. Checked at every start, so a host that loses its
     * tombstones is caught when it restarts, not only if it later happens to reopen such a group.
     */
    public void checkRemembersDestroyed(long nodeId, java.util.function.LongPredicate buried) {
        java.util.Set<Long> destroyed = destroyedByNode.get(nodeId);
        if (destroyed == null) return;
        for (long groupId : destroyed) {
            Check.that(buried.test(groupId), "destroyed group: n%d restarted without the tombstone of group %d, which it destroyed before",
                    nodeId, groupId);
        }
    }

    /**
     * Node {@code nodeId} runs a replica of group {@code groupId} (it opened one, or delivers it a
     * message): never after it destroyed that group, whatever crashes came between.
     */
    public void groupRuns(long nodeId, long groupId) {
        java.util.Set<Long> destroyed = destroyedByNode.get(nodeId);
        if (destroyed != null && destroyed.contains(groupId)) {
            Check.that(false, "destroyed group: n%d runs a replica of group %d, which it destroyed before", nodeId, groupId);
        }
    }

    /** Node {@code nodeId} applied the command of {@code clientId}/{@code sequence} at {@code index} of group {@code groupId}. */
    public void applied(long groupId, long nodeId, long index, long clientId, long sequence, int resultHash) {
        Applied mine = new Applied(clientId, sequence, resultHash, nodeId);
        Applied first = appliedByIndex.putIfAbsent(new InGroup(groupId, index), mine);
        Check.that(first == null || (first.clientId == clientId && first.sequence == sequence && first.resultHash == resultHash),
                "state machine safety: at index %d of group %d n%d applied c%d/%d (result #%08x) but n%d applied c%d/%d (result #%08x)",
                index, groupId, nodeId, clientId, sequence, resultHash,
                first == null ? 0 : first.nodeId, first == null ? 0 : first.clientId,
                first == null ? 0 : first.sequence, first == null ? 0 : first.resultHash);
    }

    /** Distinct (group, term, leader) triples seen. */
    public int leaderElections() {
        return leaderElections;
    }

    /** Distinct (node, group) replicas destroyed. */
    public int groupsDestroyed() {
        return groupsDestroyed;
    }
}
