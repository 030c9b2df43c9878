package parley.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A member that lost its data (its storage wiped) joins instead of founding again: it takes the log
 * from the leader and votes only once it holds everything committed. The scenario is the one where
 * a wiped voter's vote loses a committed entry: entry "x" is committed by nodes 1 and 3 only, node 1
 * goes down and node 3 is wiped; node 2, which never got "x", campaigns.
 */
class RejoinTest {
    private static final ClusterConfig THREE = ClusterConfig.of(Set.of(1L, 2L, 3L), Set.of());

    /** Commits "x" on nodes 1 and 3 only, then takes node 1 down and wipes node 3 (joining, or founding again). */
    private static Cluster committedOnOneAndThreeThenWiped(boolean foundAgain) {
        Cluster c = Cluster.of(3, RaftConfig.DEFAULT);
        c.elect(1);
        c.propose(1, "before");
        c.runMs(300);
        c.cutIf((from, to) -> to == 2 || from == 2);
        c.propose(1, "x");
        c.runMs(300);
        assertTrue(c.node(1).status().commitIndex() >= 3 && c.applied(3).contains("x"), "x is committed by nodes 1 and 3");
        assertFalse(c.applied(2).contains("x"), "node 2 never got x");
        c.heal();
        c.crash(1);
        c.crash(3);
        c.member(3).bootWiped(foundAgain, THREE);
        c.recordSends = true;
        c.runMs(5_000);
        return c;
    }

    @Test
    void aWipedMemberCastsNoVoteUntilCaughtUpSoTheCommittedEntrySurvives() {
        Cluster c = committedOnOneAndThreeThenWiped(false);
        assertTrue(c.node(3).isCatchingUp(), "node 3 lost its state: it is catching up");
        assertTrue(c.sentLog.stream().noneMatch(e -> e.from() == 3 && (e.message() instanceof RaftMessage.RequestVoteResponse v && v.granted()
                || e.message() instanceof RaftMessage.PreVoteResponse p && p.granted())), "node 3 granted no vote");
        assertNull(c.leader(), "node 2 alone cannot become leader: no one holding x votes for it, so it waits");

        c.restart(1);
        c.runMs(5_000);
        assertNotNull(c.leader());
        c.propose(c.leader().id, "after");
        c.runMs(1_000);
        for (long id = 1; id <= 3; id++) {
            assertEquals(List.of("before", "x", "after"), c.applied(id), "node " + id + " holds every committed entry");
        }
        assertFalse(c.node(3).isCatchingUp(), "once it holds what the leader committed in its term, node 3 votes again");
        c.checkSafety();
    }

    @Test
    void theSafetyCheckCatchesAWipedMemberThatFoundsTheClusterAgain() {
        // The mistake the join prevents: node 3 starts empty as a founder and votes at once, node 2
        // wins with its vote, and x, committed and acknowledged, is overwritten: the cluster's own
        // safety check (committed entries never differ) catches it.
        AssertionError caught = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> {
            Cluster c = committedOnOneAndThreeThenWiped(true);
            c.restart(1);
            c.runMs(2_000);
            c.checkSafety();
        });
        assertTrue(caught.getMessage().contains("committed entry"), caught.getMessage());
    }

    @Test
    void aJoiningNodeSurvivesACrashWhileCatchingUpStillWithoutAVote() {
        Cluster c = Cluster.of(3, RaftConfig.DEFAULT);
        c.elect(1);
        c.propose(1, "a");
        c.runMs(300);
        c.crash(3);
        c.member(3).bootWiped(false, THREE);
        c.syncNode(3); // the catching-up mark is durable before anything else
        c.crash(3);
        c.restart(3);
        assertTrue(c.node(3).isCatchingUp(), "the mark survives a crash");
        c.runMs(2_000);
        assertFalse(c.node(3).isCatchingUp(), () -> c.node(3).status() + " " + c.node(1).status());
        assertEquals(List.of("a"), c.applied(3));
    }
}
