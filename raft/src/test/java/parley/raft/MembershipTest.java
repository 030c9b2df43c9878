package parley.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import parley.raft.RaftMessage.RequestVote;

/** Joint consensus, learners, and the one-change-at-a-time rule. */
class MembershipTest {
    static ClusterConfig voters(Long... ids) {
        return ClusterConfig.ofVoters(ids);
    }

    static long configEntries(RaftNode n) {
        long count = 0;
        for (long i = n.log.firstIndex(); i <= n.log.lastIndex(); i++) {
            if (n.log.entry(i).kind() == LogEntry.Kind.CONFIG) count++;
        }
        return count;
    }

    @Test
    void addVoterGoesThroughJointConsensusAndLeavesItAutomatically() {
        Cluster c = Cluster.of(3, RaftConfig.DEFAULT);
        c.elect(1);
        c.propose(1, "before");
        c.deliverAll();
        c.add(4, false, null); // joins with empty storage
        ProposeResult r = c.node(1).proposeConfigChange(voters(1L, 2L, 3L, 4L));
        assertInstanceOf(ProposeResult.Accepted.class, r);
        assertTrue(c.node(1).log.config().isJoint(), "takes effect when appended: joint at once");
        assertEquals(Set.of(1L, 2L, 3L), c.node(1).log.config().votersOutgoing());
        c.runMs(1_000);
        for (long id = 1; id <= 4; id++) {
            assertEquals(voters(1L, 2L, 3L, 4L), c.node(id).log.config(), "node " + id);
            assertEquals(List.of("before"), c.applied(id));
        }
        assertEquals(3, configEntries(c.node(1)), "bootstrap, joint, then the final configuration");
        c.propose(1, "after");
        c.runMs(300);
        assertEquals(List.of("before", "after"), c.applied(4));
    }

    @Test
    void removedLeaderStepsDownOnceTheNewConfigurationCommitsAndDoesNotCampaign() {
        Cluster c = Cluster.of(3, RaftConfig.DEFAULT);
        c.elect(1);
        assertInstanceOf(ProposeResult.Accepted.class, c.node(1).proposeConfigChange(voters(2L, 3L)));
        c.deliverAll();
        c.deliverAll();
        assertEquals(voters(2L, 3L), c.node(1).log.config());
        assertEquals(RaftRole.FOLLOWER, c.node(1).role(), "left the cluster: stepped down");
        c.runMs(5_000);
        Cluster.Member leader = c.leader();
        assertNotNull(leader);
        assertTrue(leader.id == 2 || leader.id == 3);
        c.propose(leader.id, "x");
        c.runMs(300);
        assertEquals(List.of("x"), c.applied(leader.id == 2 ? 3 : 2));
        assertEquals(RaftRole.FOLLOWER, c.node(1).role(), "a removed node never campaigns");
    }

    @Test
    void jointConfigurationNeedsBothMajorities() {
        Cluster c = Cluster.of(3, RaftConfig.DEFAULT);
        c.elect(1);
        c.add(4, false, null);
        c.add(5, false, null);
        c.isolate(Set.of(4L, 5L)); // the new majority {1,2,3,4,5} lacks 4 and 5: 3 of 5 still a majority
        c.node(1).proposeConfigChange(voters(1L, 4L, 5L));
        c.runMs(500);
        assertTrue(c.node(1).log.config().isJoint(), "C_new={1,4,5} has only node 1: the joint entry cannot commit");
        long joint = c.node(1).log.configIndex();
        assertTrue(c.node(1).log.commitIndex() < joint);
        c.heal();
        c.runMs(2_000);
        assertEquals(voters(1L, 4L, 5L), c.leader().node.log.config());
    }

    @Test
    void oneChangeAtATime() {
        Cluster c = Cluster.of(3, RaftConfig.DEFAULT);
        c.elect(1);
        c.add(4, false, null);
        c.node(1).proposeConfigChange(voters(1L, 2L, 3L, 4L));
        ProposeResult second = c.node(1).proposeConfigChange(voters(1L, 2L));
        assertEquals(RejectReason.CONFIG_CHANGE_IN_PROGRESS, assertInstanceOf(ProposeResult.Rejected.class, second).reason());
        assertEquals(RejectReason.INVALID_CONFIG, assertInstanceOf(ProposeResult.Rejected.class,
                c.node(1).proposeConfigChange(ClusterConfig.EMPTY)).reason());
    }

    @Test
    void learnerReceivesTheLogButNeverVotesNorCounts() {
        Cluster c = Cluster.of(3, RaftConfig.DEFAULT);
        c.recordSends = true;
        c.elect(1);
        c.add(4, false, null);
        ProposeResult r = c.node(1).proposeConfigChange(ClusterConfig.of(Set.of(1L, 2L, 3L), Set.of(4L)));
        assertInstanceOf(ProposeResult.Accepted.class, r);
        assertTrue(!c.node(1).log.config().isJoint(), "adding a learner needs no joint phase");
        c.propose(1, "x");
        c.runMs(500);
        assertEquals(List.of("x"), c.applied(4));
        // A learner's election timer never starts a campaign.
        long term = c.node(4).term();
        c.fireTimer(4, RaftNode.ELECTION_TIMER_ID);
        assertEquals(RaftRole.FOLLOWER, c.node(4).role());
        assertEquals(term, c.node(4).term());
        // Learner acks do not make a quorum: with 2 and 3 cut off, nothing commits.
        c.isolate(Set.of(2L, 3L));
        ProposeResult.Accepted a = c.propose(1, "y");
        c.deliverAll();
        assertEquals(a.index(), c.node(1).status().peers().get(4L).matchIndex(), "the learner has it");
        assertTrue(c.node(1).log.commitIndex() < a.index(), "but the learner does not count");
        // Candidates never ask a learner.
        c.heal();
        c.sentLog.clear();
        c.isolate(Set.of(1L));
        c.runMs(4_000);
        assertTrue(c.sentLog.stream().noneMatch(e -> e.to() == 4 && e.message() instanceof RequestVote));
        assertNotNull(c.leader());
    }

    @Test
    void learnerIsPromotedToVoter() {
        Cluster c = Cluster.of(3, RaftConfig.DEFAULT);
        c.elect(1);
        c.add(4, false, null);
        c.node(1).proposeConfigChange(ClusterConfig.of(Set.of(1L, 2L, 3L), Set.of(4L)));
        c.runMs(500);
        assertInstanceOf(ProposeResult.Accepted.class, c.node(1).proposeConfigChange(voters(1L, 2L, 3L, 4L)));
        c.runMs(1_000);
        assertEquals(voters(1L, 2L, 3L, 4L), c.node(4).log.config());
        assertTrue(c.node(4).promotable());
    }

    @Test
    void voterIsDemotedToLearner() {
        Cluster c = Cluster.of(3, RaftConfig.DEFAULT);
        c.elect(1);
        c.node(1).proposeConfigChange(ClusterConfig.of(Set.of(1L, 2L), Set.of(3L)));
        assertTrue(c.node(1).log.config().votersOutgoing().contains(3L) && c.node(1).log.config().learners().contains(3L),
                "while joint, node 3 is an outgoing voter and a learner-to-be");
        c.runMs(1_000);
        assertEquals(ClusterConfig.of(Set.of(1L, 2L), Set.of(3L)), c.node(3).log.config());
        c.propose(1, "x");
        c.runMs(300);
        assertEquals(List.of("x"), c.applied(3));
    }
}
