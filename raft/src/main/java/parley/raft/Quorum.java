package parley.raft;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.function.LongPredicate;
import java.util.function.LongUnaryOperator;
import parley.core.Check;

/**
 * Majority arithmetic, joint-consensus aware: in a joint configuration a decision needs a majority of
 * the incoming voters AND a majority of the outgoing voters. Learners are never consulted.
 */
final class Quorum {
    private Quorum() {}

    /** Outcome of a vote count. */
    enum VoteResult { WON, LOST, PENDING }

    /**
     * The largest value that a majority of {@code voters} has reached: the median of the per-voter
     * values. An empty set imposes no constraint (used for the outgoing half of a simple config).
     */
    static long majorityValue(Set<Long> voters, LongUnaryOperator valueOf) {
        if (voters.isEmpty()) return Long.MAX_VALUE;
        long[] values = new long[voters.size()];
        int i = 0;
        for (long id : voters) values[i++] = valueOf.applyAsLong(id);
        Arrays.sort(values);
        // Ascending order: the (n - majority)th value is reached by `majority` voters (itself and the ones above).
        long value = values[(values.length - 1) / 2];
        Check.that(value <= values[values.length - 1] && value >= values[0], "median out of range");
        return value;
    }

    /** The largest value a quorum of {@code config} has reached; 0 when the config has no voters. */
    static long jointValue(ClusterConfig config, LongUnaryOperator valueOf) {
        if (config.voters().isEmpty()) return 0;
        long value = Math.min(majorityValue(config.voters(), valueOf), majorityValue(config.votersOutgoing(), valueOf));
        Check.that(value != Long.MAX_VALUE, "a non-empty voter set must bound the quorum value");
        return value;
    }

    /** True when a quorum of {@code config} satisfies {@code test}. */
    static boolean jointSatisfied(ClusterConfig config, LongPredicate test) {
        return jointValue(config, id -> test.test(id) ? 1 : 0) == 1;
    }

    static VoteResult majorityVote(Set<Long> voters, Map<Long, Boolean> votes) {
        if (voters.isEmpty()) return VoteResult.WON;
        int granted = 0;
        int rejected = 0;
        for (long id : voters) {
            Boolean v = votes.get(id);
            if (v == null) continue;
            if (v) granted++; else rejected++;
        }
        int majority = voters.size() / 2 + 1;
        if (granted >= majority) return VoteResult.WON;
        if (rejected > voters.size() - majority) return VoteResult.LOST;
        return VoteResult.PENDING;
    }

    static VoteResult jointVote(ClusterConfig config, Map<Long, Boolean> votes) {
        if (config.voters().isEmpty()) return VoteResult.LOST;
        VoteResult incoming = majorityVote(config.voters(), votes);
        VoteResult outgoing = majorityVote(config.votersOutgoing(), votes);
        if (incoming == VoteResult.LOST || outgoing == VoteResult.LOST) return VoteResult.LOST;
        if (incoming == VoteResult.WON && outgoing == VoteResult.WON) return VoteResult.WON;
        return VoteResult.PENDING;
    }
}
