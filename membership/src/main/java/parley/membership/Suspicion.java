package parley.membership;

import java.util.HashSet;
import java.util.Set;

/**
 * One member under suspicion, with Lifeguard's dynamic timeout: it starts at {@code maxNs} and shrinks
 * logarithmically towards {@code minNs} as independent confirmations (SUSPECT of the same incarnation
 * from other members) arrive: {@code timeout(c) = max(min, max - (max - min) * log(c + 1) / log(k + 1))}
 * with k the confirmations expected. A suspicion few others share lasts long, giving a falsely accused
 * member time to refute; one many members share converges quickly.
 */
final class Suspicion {
    final long memberId;
    final long incarnation;
    final long startNs;
    private final long minNs;
    private final long maxNs;
    private final int confirmationsExpected;
    private final Set<Long> confirmers = new HashSet<>();
    /** Changed whenever the deadline moves, so a stale deadline entry can be told apart. */
    long generation;

    Suspicion(long memberId, long incarnation, long firstSuspecterId, long startNs, long minNs, long maxNs, int confirmationsExpected) {
        if (minNs <= 0 || maxNs < minNs) throw new IllegalArgumentException("suspicion timeouts: min " + minNs + ", max " + maxNs);
        this.memberId = memberId;
        this.incarnation = incarnation;
        this.startNs = startNs;
        this.minNs = minNs;
        this.maxNs = maxNs;
        this.confirmationsExpected = Math.max(0, confirmationsExpected);
        confirmers.add(firstSuspecterId);
    }

    /** Records a suspicion from {@code suspecterId}; returns whether it was a new, independent one. */
    boolean confirm(long suspecterId) {
        if (confirmers.size() - 1 >= confirmationsExpected) return false;
        return confirmers.add(suspecterId);
    }

    int confirmations() {
        return confirmers.size() - 1;
    }

    long timeoutNs() {
        return timeoutNs(minNs, maxNs, confirmations(), confirmationsExpected);
    }

    long deadlineNs() {
        return startNs + timeoutNs();
    }

    static long timeoutNs(long minNs, long maxNs, int confirmations, int expected) {
        if (expected < 1) return minNs;
        double fraction = Math.log(confirmations + 1.0) / Math.log(expected + 1.0);
        long timeout = (long) Math.floor(maxNs - (maxNs - minNs) * fraction);
        return Math.max(minNs, timeout);
    }
}
