package parley.raft;

import java.util.Set;

/**
 * Who takes part in consensus. In a joint configuration (during a membership change) decisions need
 * a majority of {@code voters} and, separately, a majority of {@code votersOutgoing}. Learners receive
 * the log but never vote and never count toward a quorum.
 *
 * @param voters         the (incoming) voting members
 * @param votersOutgoing the outgoing voters of a joint configuration; empty when not joint
 * @param learners       non-voting members
 */
public record ClusterConfig(Set<Long> voters, Set<Long> votersOutgoing, Set<Long> learners) {
    public static final ClusterConfig EMPTY = new ClusterConfig(Set.of(), Set.of(), Set.of());

    public ClusterConfig {
        voters = Set.copyOf(voters);
        votersOutgoing = Set.copyOf(votersOutgoing);
        learners = Set.copyOf(learners);
    }

    /** True while a joint-consensus change is in progress. */
    public boolean isJoint() {
        return !votersOutgoing.isEmpty();
    }
}
