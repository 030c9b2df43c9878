package parley.harness;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import parley.core.Check;

/**
 * What all servers of one run have claimed, checked as they claim it: at most one leader per term
 * (Election Safety) and the same command at each applied index on every replica (State Machine
 * Safety). A violation throws at the moment it happens, so the trace ends right at the bug.
 */
public final class SafetyLedger {
    /** A compact identity of an applied command: who sent it and what it returned. */
    private record Applied(long clientId, long sequence, int resultHash, long nodeId) {}

    private final Map<Long, Long> leaderByTerm = new TreeMap<>();
    private final Map<Long, Applied> appliedByIndex = new HashMap<>();
    private int leaderElections;

    /** Node {@code nodeId} became leader of {@code term}. */
    public void leaderElected(long term, long nodeId) {
        Long previous = leaderByTerm.putIfAbsent(term, nodeId);
        Check.that(previous == null || previous == nodeId,
                "election safety: n%d and n%d both became leader in term %d", previous, nodeId, term);
        if (previous == null) leaderElections++;
    }

    /** Node {@code nodeId} applied the command of {@code clientId}/{@code sequence} at {@code index}. */
    public void applied(long nodeId, long index, long clientId, long sequence, int resultHash) {
        Applied mine = new Applied(clientId, sequence, resultHash, nodeId);
        Applied first = appliedByIndex.putIfAbsent(index, mine);
        Check.that(first == null || (first.clientId == clientId && first.sequence == sequence && first.resultHash == resultHash),
                "state machine safety: at index %d n%d applied c%d/%d (result #%08x) but n%d applied c%d/%d (result #%08x)",
                index, nodeId, clientId, sequence, resultHash,
                first == null ? 0 : first.nodeId, first == null ? 0 : first.clientId,
                first == null ? 0 : first.sequence, first == null ? 0 : first.resultHash);
    }

    /** Distinct (term, leader) pairs seen. */
    public int leaderElections() {
        return leaderElections;
    }
}
