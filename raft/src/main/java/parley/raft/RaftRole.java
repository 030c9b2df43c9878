package parley.raft;

/** The role a Raft node plays in its current term. A learner is a {@link #FOLLOWER} that never campaigns. */
public enum RaftRole {
    /** Follows the leader of the term (if known); campaigns when the election timeout expires. */
    FOLLOWER,
    /** Asks whether it could win an election, without incrementing its term (pre-vote, dissertation 9.6). */
    PRE_CANDIDATE,
    /** Has incremented its term, voted for itself and asks the others for their votes. */
    CANDIDATE,
    /** Won the election of its term: replicates the log and decides what is committed. */
    LEADER
}
