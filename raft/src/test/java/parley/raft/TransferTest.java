package parley.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Leadership transfer (dissertation 3.10). */
class TransferTest {
    @Test
    void transferHandsLeadershipToTheTarget() {
        Cluster c = Cluster.of(3, RaftConfig.DEFAULT);
        c.elect(1);
        long term = c.node(1).term();
        assertInstanceOf(ProposeResult.Accepted.class, c.node(1).transferLeadership(2));
        c.deliverAll();
        assertTrue(c.node(2).isLeader(), c.describe());
        assertEquals(term + 1, c.node(2).term());
        assertEquals(RaftRole.FOLLOWER, c.node(1).role());
    }

    @Test
    void laggingTargetIsCaughtUpFirst() {
        Cluster c = Cluster.of(3, RaftConfig.DEFAULT);
        c.elect(1);
        c.isolate(Set.of(3L));
        for (int i = 0; i < 5; i++) c.propose(1, "c" + i);
        c.deliverAll();
        c.heal();
        c.node(1).transferLeadership(3);
        c.runMs(500); // the lost pipeline to node 3 is noticed on heartbeat answers, then refilled
        assertTrue(c.node(3).isLeader(), c.describe());
        c.runMs(300);
        assertEquals(List.of("c0", "c1", "c2", "c3", "c4"), c.applied(3));
    }

    @Test
    void proposalsAreRefusedDuringTransferUntilItTimesOut() {
        Cluster c = Cluster.of(3, RaftConfig.DEFAULT);
        c.elect(1);
        c.isolate(Set.of(2L));
        c.node(1).transferLeadership(2);
        assertEquals(RejectReason.TRANSFER_IN_PROGRESS,
                assertInstanceOf(ProposeResult.Rejected.class, c.node(1).propose(0, 0, new byte[0])).reason());
        c.runMs(1_200);
        assertTrue(c.node(1).isLeader(), "node 3 keeps the leader in office");
        assertInstanceOf(ProposeResult.Accepted.class, c.node(1).propose(0, 0, new byte[0]));
    }

    @Test
    void transferTargetMustBeAnotherVoter() {
        Cluster c = Cluster.of(3, RaftConfig.DEFAULT);
        c.elect(1);
        assertEquals(RejectReason.INVALID_TARGET, assertInstanceOf(ProposeResult.Rejected.class, c.node(1).transferLeadership(1)).reason());
        assertEquals(RejectReason.INVALID_TARGET, assertInstanceOf(ProposeResult.Rejected.class, c.node(1).transferLeadership(9)).reason());
    }
}
