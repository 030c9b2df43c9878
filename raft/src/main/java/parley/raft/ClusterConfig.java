package parley.raft;

import java.util.Collections;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Who takes part in consensus. In a joint configuration (during a membership change) decisions need
 * a majority of {@code voters} and, separately, a majority of {@code votersOutgoing}. Learners receive
 * the log but never vote and never count toward a quorum.
 *
 * <p>The sets are kept sorted so that iterating them gives the same order in every run and on every
 * JVM ({@code Set.copyOf} iterates in an order salted per JVM, which would break seed replay).
 *
 * <p>In a joint configuration a node may be both an outgoing voter and a learner: it is being demoted
 * and becomes a plain learner when the joint configuration is left.
 *
 * @param voters         the (incoming) voting members
 * @param votersOutgoing the outgoing voters of a joint configuration; empty when not joint
 * @param learners       non-voting members (of the configuration that follows, while joint)
 */
public record ClusterConfig(Set<Long> voters, Set<Long> votersOutgoing, Set<Long> learners) {
    public static final ClusterConfig EMPTY = new ClusterConfig(Set.of(), Set.of(), Set.of());

    public ClusterConfig {
        voters = sorted(voters);
        votersOutgoing = sorted(votersOutgoing);
        learners = sorted(learners);
        for (long learner : learners) {
            if (voters.contains(learner)) {
                throw new IllegalArgumentException("node " + learner + " is both voter and learner");
            }
        }
    }

    /** A simple (non-joint) configuration of the given voters and no learners. */
    public static ClusterConfig ofVoters(Long... voters) {
        return new ClusterConfig(Set.of(voters), Set.of(), Set.of());
    }

    /** A simple (non-joint) configuration. */
    public static ClusterConfig of(Set<Long> voters, Set<Long> learners) {
        return new ClusterConfig(voters, Set.of(), learners);
    }

    /** True while a joint-consensus change is in progress. */
    public boolean isJoint() {
        return !votersOutgoing.isEmpty();
    }

    /** True when {@code nodeId} votes in this configuration (incoming or outgoing). */
    public boolean isVoter(long nodeId) {
        return voters.contains(nodeId) || votersOutgoing.contains(nodeId);
    }

    /** True when {@code nodeId} receives the log but does not vote. */
    public boolean isLearnerOnly(long nodeId) {
        return learners.contains(nodeId) && !isVoter(nodeId);
    }

    /** Every node that should receive the log, sorted: voters, outgoing voters and learners. */
    public SortedSet<Long> members() {
        TreeSet<Long> all = new TreeSet<>(voters);
        all.addAll(votersOutgoing);
        all.addAll(learners);
        return Collections.unmodifiableSortedSet(all);
    }

    /** Every voter of either half of a joint configuration, sorted. */
    public SortedSet<Long> allVoters() {
        TreeSet<Long> all = new TreeSet<>(voters);
        all.addAll(votersOutgoing);
        return Collections.unmodifiableSortedSet(all);
    }

    /** The simple configuration a joint one leads to: its incoming voters and its learners. */
    public ClusterConfig leaveJoint() {
        return new ClusterConfig(voters, Set.of(), learners);
    }

    @Override
    public String toString() {
        return "Config{voters=" + voters + (isJoint() ? " outgoing=" + votersOutgoing : "")
                + (learners.isEmpty() ? "" : " learners=" + learners) + "}";
    }

    private static Set<Long> sorted(Set<Long> ids) {
        if (ids == null) throw new IllegalArgumentException("member set is required");
        return Collections.unmodifiableSortedSet(new TreeSet<>(ids));
    }
}
