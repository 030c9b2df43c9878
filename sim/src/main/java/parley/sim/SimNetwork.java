package parley.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import parley.core.Check;
import parley.core.env.RandomSource;

/**
 * The simulated network: decides for each message whether it is lost, how long it takes and whether
 * it arrives twice, and holds the partition state as per-link block counts.
 *
 * <p>Partitions are checked twice: at send time (a blocked message never enters the network) and again
 * at delivery time (a partition that starts while a message is in flight cuts it off too). A message
 * already handed to a paused node is not re-checked when the node resumes: it was received.
 *
 * <p>Server-to-server links get the configured latency, loss and duplication plus whatever fault the
 * nemesis turns on ({@link #setFaultLossProbability}, {@link #setFaultDuplicateProbability},
 * {@link #setFaultDelayNsMax}); links touching a {@link NodeKind#CLIENT} get only the client latency.
 * Reordering falls out of the random latency.
 *
 * <p>Counters satisfy {@code sent + duplicated == delivered + dropped + inFlight} at every step.
 */
public final class SimNetwork {
    static final int DROP_PARTITION = -1;
    static final int DROP_LOSS = -2;
    static final int DROP_DOWN = -3;

    private final Simulation<?> world;
    private final NetworkConfig config;
    private final RandomSource random;
    private int[][] blockCounts = new int[0][0];
    private int blockedLinkCount;

    private double faultLossProbability;
    private double faultDuplicateProbability;
    private long faultDelayNsMax;

    /** Latencies of the copies decided by the last {@link #admit}. */
    final long[] copyLatencyNs = new long[2];

    private long sent;
    private long delivered;
    private long duplicated;
    private long droppedPartition;
    private long droppedLoss;
    private long droppedDown;
    private long droppedUnknown;
    private long droppedPauseOverflow;
    private long droppedByAdversary;
    private long inFlight;

    SimNetwork(Simulation<?> world, NetworkConfig config, RandomSource random) {
        this.world = world;
        this.config = config;
        this.random = random;
    }

    // ---- partitions ----

    /** Blocks messages from {@code from} to {@code to} (counted: each block needs its own unblock). */
    public void block(long from, long to) {
        blockIndex(world.indexOf(from), world.indexOf(to), +1);
    }

    /** Undoes one {@link #block} of the link. */
    public void unblock(long from, long to) {
        blockIndex(world.indexOf(from), world.indexOf(to), -1);
    }

    /** Whether messages from {@code from} to {@code to} are currently cut. */
    public boolean isBlocked(long from, long to) {
        return blocked(world.indexOf(from), world.indexOf(to));
    }

    /** Blocks every link of {@code partition}. */
    public void apply(Partition partition) {
        for (Partition.Link link : partition.links()) {
            block(link.from(), link.to());
        }
        world.traceNetwork("partition " + partition.description());
    }

    /** Unblocks every link of a previously {@link #apply applied} {@code partition}. */
    public void lift(Partition partition) {
        for (Partition.Link link : partition.links()) {
            unblock(link.from(), link.to());
        }
        world.traceNetwork("lift " + partition.description());
    }

    /** Unblocks every link, whatever blocked it. */
    public void healPartitions() {
        for (int[] row : blockCounts) {
            Arrays.fill(row, 0);
        }
        blockedLinkCount = 0;
        world.traceNetwork("partitions healed");
    }

    /** How many directed links are blocked now. */
    public int blockedLinkCount() {
        return blockedLinkCount;
    }

    /** The blocked directed links, ordered by registration order of the sender, then receiver. */
    public List<Partition.Link> blockedLinks() {
        List<Partition.Link> links = new ArrayList<>();
        for (int from = 0; from < blockCounts.length; from++) {
            for (int to = 0; to < blockCounts.length; to++) {
                if (blockCounts[from][to] > 0) {
                    links.add(new Partition.Link(world.idAt(from), world.idAt(to)));
                }
            }
        }
        return links;
    }

    // ---- fault knobs (server-to-server links only) ----

    /** Extra loss on top of the configured one; 0 turns it off. */
    public void setFaultLossProbability(double probability) {
        NetworkConfig.checkProbability("fault loss probability", probability);
        faultLossProbability = probability;
    }

    /** Extra duplication on top of the configured one; 0 turns it off. */
    public void setFaultDuplicateProbability(double probability) {
        NetworkConfig.checkProbability("fault duplicate probability", probability);
        faultDuplicateProbability = probability;
    }

    /** A latency spike: each message gets an extra uniform delay in {@code [0, delayNsMax]}; 0 turns it off. */
    public void setFaultDelayNsMax(long delayNsMax) {
        Check.that(delayNsMax >= 0, "fault delay must be >= 0: %d", delayNsMax);
        faultDelayNsMax = delayNsMax;
    }

    /** Turns off loss, duplication and delay faults (partitions are separate). */
    public void clearFaults() {
        faultLossProbability = 0;
        faultDuplicateProbability = 0;
        faultDelayNsMax = 0;
    }

    public double faultLossProbability() { return faultLossProbability; }

    public double faultDuplicateProbability() { return faultDuplicateProbability; }

    public long faultDelayNsMax() { return faultDelayNsMax; }

    // ---- counters ----

    /** Messages handed to the network (after the adversary, before loss). */
    public long sent() { return sent; }

    public long delivered() { return delivered; }

    /** Extra copies created by duplication. */
    public long duplicated() { return duplicated; }

    public long droppedPartition() { return droppedPartition; }

    public long droppedLoss() { return droppedLoss; }

    /** Arrived at a crashed or failed node, or buffered at a paused node that then crashed. */
    public long droppedDown() { return droppedDown; }

    /** Addressed to a node id that is not registered. */
    public long droppedUnknown() { return droppedUnknown; }

    /** Arrived at a paused node whose buffer was full. */
    public long droppedPauseOverflow() { return droppedPauseOverflow; }

    /** Suppressed by an {@link Adversary} (not counted in {@link #sent}). */
    public long droppedByAdversary() { return droppedByAdversary; }

    /** Every drop, whatever the reason (adversary suppressions excluded). */
    public long dropped() {
        return droppedPartition + droppedLoss + droppedDown + droppedUnknown + droppedPauseOverflow;
    }

    /** Messages scheduled or buffered and not yet delivered or dropped. */
    public long inFlight() { return inFlight; }

    // ---- the world's side ----

    void addNode(int index) {
        int size = index + 1;
        int[][] grown = new int[size][size];
        for (int i = 0; i < blockCounts.length; i++) {
            System.arraycopy(blockCounts[i], 0, grown[i], 0, blockCounts[i].length);
        }
        blockCounts = grown;
    }

    boolean blocked(int fromIndex, int toIndex) {
        return blockCounts[fromIndex][toIndex] > 0;
    }

    /**
     * Decides the fate of one message: a negative drop reason, or the number of copies to deliver (1 or
     * 2) with their latencies in {@link #copyLatencyNs}.
     */
    int admit(Node<?> from, Node<?> to) {
        sent++;
        if (blocked(from.index, to.index)) {
            droppedPartition++;
            return DROP_PARTITION;
        }
        if (from.kind == NodeKind.CLIENT || to.kind == NodeKind.CLIENT) {
            copyLatencyNs[0] = config.clientLatency().sampleNs(random);
            inFlight++;
            return 1;
        }
        double loss = combined(config.lossProbability(), faultLossProbability);
        if (loss > 0 && random.nextDouble() < loss) {
            droppedLoss++;
            return DROP_LOSS;
        }
        copyLatencyNs[0] = serverLatencyNs();
        double duplicate = combined(config.duplicateProbability(), faultDuplicateProbability);
        if (duplicate > 0 && random.nextDouble() < duplicate) {
            copyLatencyNs[1] = serverLatencyNs();
            duplicated++;
            inFlight += 2;
            return 2;
        }
        inFlight++;
        return 1;
    }

    private long serverLatencyNs() {
        long latencyNs = config.latency().sampleNs(random);
        if (faultDelayNsMax > 0) {
            latencyNs += random.nextLong(0, faultDelayNsMax + 1);
        }
        return latencyNs;
    }

    private static double combined(double base, double fault) {
        return fault == 0 ? base : 1.0 - (1.0 - base) * (1.0 - fault);
    }

    void countUnknown() {
        sent++;
        droppedUnknown++;
    }

    void countAdversaryDrop() {
        droppedByAdversary++;
    }

    void countDelivered() {
        inFlight--;
        delivered++;
    }

    void countDroppedAtDelivery(int reason) {
        inFlight--;
        if (reason == DROP_PARTITION) {
            droppedPartition++;
        } else {
            Check.that(reason == DROP_DOWN, "drop reason at delivery is partition or down: %d", reason);
            droppedDown++;
        }
    }

    void countPauseOverflow() {
        inFlight--;
        droppedPauseOverflow++;
    }

    private void blockIndex(int fromIndex, int toIndex, int delta) {
        int before = blockCounts[fromIndex][toIndex];
        int after = before + delta;
        Check.that(after >= 0, "unblock of a link that is not blocked: n%d -> n%d", world.idAt(fromIndex),
                world.idAt(toIndex));
        blockCounts[fromIndex][toIndex] = after;
        if (before == 0 && after > 0) {
            blockedLinkCount++;
        } else if (before > 0 && after == 0) {
            blockedLinkCount--;
        }
    }
}
