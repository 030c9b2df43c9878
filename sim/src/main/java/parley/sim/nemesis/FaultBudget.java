package parley.sim.nemesis;

/**
 * How many servers a protocol is built to survive losing at once, which bounds how many the
 * {@link Nemesis} crashes, pauses or fails together. A protocol's harness picks its own: Raft keeps a
 * majority up; a byzantine protocol tolerates f of n = 3f + 1; an eventual protocol stays available
 * with any number down. A run that breaks a protocol past its budget proves nothing, so the nemesis
 * stays inside it.
 */
@FunctionalInterface
public interface FaultBudget {
    /** Raft: a minority, {@code (n - 1) / 2}, so a majority is always up. */
    FaultBudget CRASH_MINORITY = servers -> (servers - 1) / 2;
    /** Byzantine agreement: {@code f = (n - 1) / 3} faulty (lying or crashed) of n. */
    FaultBudget BYZANTINE_THIRD = servers -> (servers - 1) / 3;
    /** Eventual consistency: any number down; every replica accepts writes alone. */
    FaultBudget UNLIMITED = servers -> servers;

    /** Servers that may be down (crashed, paused, failed) at once, out of {@code servers}. */
    int maxFaulty(int servers);

    /** At most {@code count} servers, and never more than there are. */
    static FaultBudget atMost(int count) {
        if (count < 0) throw new IllegalArgumentException("a fault budget is >= 0: " + count);
        return servers -> Math.min(count, servers);
    }
}
