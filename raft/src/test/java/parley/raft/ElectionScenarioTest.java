package parley.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Pre-vote, check-quorum and partitions: the rules beyond Figure 2 that keep a cluster stable and safe. */
class ElectionScenarioTest {
    @Test
    void preVoteKeepsAPartitionedNodeFromDisruptingTheLeader() {
        Cluster c = Cluster.of(3, RaftConfig.DEFAULT);
        c.elect(1);
        long term = c.node(1).term();
        c.isolate(Set.of(3L));
        c.runMs(10_000); // node 3 times out again and again
        assertEquals(term, c.node(3).term(), "pre-votes fail, so node 3 never increments its term");
        c.heal();
        c.runMs(2_000);
        assertTrue(c.node(1).isLeader(), "the leader is undisturbed when node 3 returns");
        assertEquals(term, c.node(1).term());
    }

    @Test
    void withoutPreVoteAPartitionedNodeDisruptsTheLeaderOnReturn() {
        Cluster c = Cluster.of(3, RaftConfig.builder().preVote(false).checkQuorum(false).build());
        c.elect(1);
        long term = c.node(1).term();
        c.isolate(Set.of(3L));
        c.runMs(10_000);
        assertTrue(c.node(3).term() > term + 2, "node 3's term ran away");
        c.heal();
        c.runMs(5_000);
        assertTrue(c.leader().node.term() > term, "the returning node forced a new election (the problem pre-vote fixes)");
    }

    @Test
    void votersInLeaseIgnoreCampaignsOfHigherTerms() {
        Cluster c = Cluster.of(3, RaftConfig.DEFAULT);
        c.elect(1);
        long term = c.node(1).term();
        c.node(2).onMessage(3, new RaftMessage.RequestVote(term + 1, 100, term, false));
        assertEquals(term, c.node(2).term(), "a follower that hears from its leader does not even adopt the term");
    }

    @Test
    void checkQuorumMakesAnIsolatedLeaderStepDown() {
        Cluster c = Cluster.of(3, RaftConfig.DEFAULT);
        c.elect(1);
        c.isolate(Set.of(1L));
        c.runMs(2_500);
        assertEquals(RaftRole.FOLLOWER, c.node(1).role(), c.describe());
        c.runMs(5_000); // the majority side elects a leader (a split vote may need a retry)
        Cluster.Member newLeader = c.leader();
        assertNotNull(newLeader, c.describe());
        assertNotEquals(1, newLeader.id);
    }

    @Test
    void partitionedOldLeaderCannotCommitAndItsProposalsAreReportedDropped() {
        Cluster c = Cluster.of(5, RaftConfig.DEFAULT);
        c.elect(1);
        c.isolate(Set.of(1L, 2L));
        ProposeResult.Accepted lost = c.propose(1, 0, 42, "lost");
        c.runMs(500);
        assertTrue(c.node(1).log.commitIndex() < lost.index(), "a minority cannot commit");
        c.runMs(3_000);
        Cluster.Member majorityLeader = c.leader();
        assertNotNull(majorityLeader);
        assertTrue(Set.of(3L, 4L, 5L).contains(majorityLeader.id), c.describe());
        c.propose(majorityLeader.id, "won");
        c.runMs(300);
        assertEquals(List.of(42L), c.member(1).recorder.dropped, "the old leader reported an unknown outcome");
        c.heal();
        c.runMs(2_000);
        for (long id = 1; id <= 5; id++) {
            assertEquals(List.of("won"), c.applied(id), "node " + id + ": the minority's entry was overwritten");
        }
    }

    @Test
    void crashedFollowerLosesOnlyUnsyncedWritesAndCatchesUp() {
        Cluster c = Cluster.of(3, RaftConfig.DEFAULT);
        c.elect(1);
        c.propose(1, "a");
        c.deliverAll();
        // Entry "b" reaches node 3 but its sync never completes before the crash.
        c.propose(1, "b");
        c.deliver(c.take(e -> e.to() == 3 && e.message() instanceof RaftMessage.AppendEntries).get(0));
        c.crash(3);
        c.restart(3);
        c.deliverAll();
        c.runMs(1_000);
        assertEquals(List.of("a", "b"), c.applied(3));
    }

    @Test
    void restartedClusterRecoversItsLogAndElectsAgain() {
        Cluster c = Cluster.of(3, RaftConfig.DEFAULT);
        c.elect(1);
        c.propose(1, "a");
        c.deliverAll();
        for (long id = 1; id <= 3; id++) c.crash(id);
        for (long id = 1; id <= 3; id++) c.restart(id);
        c.runMs(5_000);
        assertNotNull(c.leader());
        for (long id = 1; id <= 3; id++) assertEquals(List.of("a"), c.applied(id));
    }
}
