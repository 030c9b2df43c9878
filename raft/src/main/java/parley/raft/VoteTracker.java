package parley.raft;

import java.util.TreeMap;
import parley.core.Check;

/** The votes (or pre-votes) collected by one campaign. The first answer from each node counts. */
final class VoteTracker {
    private final TreeMap<Long, Boolean> votes = new TreeMap<>();
    private final boolean preVote;

    VoteTracker(boolean preVote) {
        this.preVote = preVote;
    }

    boolean isPreVote() {
        return preVote;
    }

    void record(long nodeId, boolean granted) {
        Check.that(nodeId != 0, "vote from node 0");
        votes.putIfAbsent(nodeId, granted);
    }

    Quorum.VoteResult result(ClusterConfig config) {
        Quorum.VoteResult r = Quorum.jointVote(config, votes);
        Check.that(r != Quorum.VoteResult.WON || !votes.isEmpty(), "won an election with no votes");
        return r;
    }

    @Override
    public String toString() {
        return (preVote ? "PreVotes" : "Votes") + votes;
    }
}
