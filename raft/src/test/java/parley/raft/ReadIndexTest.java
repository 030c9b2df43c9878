package parley.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import parley.raft.RaftMessage.Heartbeat;
import parley.raft.RaftMessage.HeartbeatResponse;

/** Linearizable reads: ReadIndex with quorum confirmation, and leases. */
class ReadIndexTest {
    @Test
    void readWaitsForTheNoOpCommitAndAQuorumRound() {
        Cluster c = Cluster.of(3, RaftConfig.DEFAULT);
        c.fireTimer(1, RaftNode.ELECTION_TIMER_ID);
        // Win the election but hold every append back: the no-op is not committed yet.
        for (int i = 0; i < 20 && !c.node(1).isLeader(); i++) {
            c.syncAll();
            c.take(e -> !(e.message() instanceof RaftMessage.AppendEntries)).forEach(c::deliver);
        }
        assertTrue(c.node(1).isLeader());
        List<Cluster.Envelope> held = c.take(e -> true);
        assertInstanceOf(ReadResult.Pending.class, c.node(1).readIndex(7));
        assertTrue(c.network.isEmpty(), "no round before the leader committed in its term");
        held.forEach(c::deliver);
        c.syncAll();
        // Commit the no-op, but hold back heartbeat answers: the read stays pending.
        for (int i = 0; i < 20; i++) {
            c.syncAll();
            c.dropAll(e -> e.message() instanceof HeartbeatResponse);
            if (c.network.isEmpty()) break;
            c.deliver(c.network.remove(0));
        }
        assertEquals(2, c.node(1).log.commitIndex());
        assertTrue(c.member(1).recorder.readsReady.isEmpty(), "not confirmed by a quorum yet");
        c.fireTimer(1, RaftNode.HEARTBEAT_TIMER_ID);
        c.deliverAll();
        assertEquals(2L, c.member(1).recorder.readsReady.get(7L), "served at the no-op's index once confirmed");
    }

    @Test
    void readOnAnIdleLeaderNeedsOneRound() {
        Cluster c = Cluster.of(3, RaftConfig.DEFAULT);
        c.elect(1);
        c.propose(1, "x");
        c.deliverAll();
        c.node(1).readIndex(1);
        List<Cluster.Envelope> round = c.take(e -> true);
        assertEquals(List.of(2L, 3L), round.stream().filter(e -> e.message() instanceof Heartbeat).map(Cluster.Envelope::to).toList());
        assertTrue(c.member(1).recorder.readsReady.isEmpty());
        c.deliver(round.get(0));
        c.deliverAll();
        assertEquals(3L, c.member(1).recorder.readsReady.get(1L), "one answer plus the leader is a quorum of 3");
    }

    @Test
    void readsFailWhenLeadershipIsLost() {
        Cluster c = Cluster.of(3, RaftConfig.DEFAULT);
        c.elect(1);
        c.isolate(Set.of(1L));
        c.node(1).readIndex(5);
        c.runMs(2_500);
        assertEquals(List.of(5L), c.member(1).recorder.readsFailed);
        assertTrue(c.member(1).recorder.readsReady.isEmpty(), "never served by a deposed leader");
    }

    @Test
    void readAtAFollowerIsRedirected() {
        Cluster c = Cluster.of(3, RaftConfig.DEFAULT);
        c.elect(1);
        assertEquals(1, assertInstanceOf(ProposeResult.NotLeader.class, c.node(2).readIndex(1)).leaderHint());
    }

    @Test
    void leaseReadsNeedNoRoundWhileTheLeaseHolds() {
        Cluster c = Cluster.of(3, RaftConfig.builder().leaseReads(true).build());
        c.nowNs += 1_100_000_000L; // with leases, a freshly started node refuses campaigns for a minimum timeout
        c.elect(1);
        c.fireTimer(1, RaftNode.HEARTBEAT_TIMER_ID);
        c.deliverAll(); // a confirmed round starts the lease
        c.node(1).readIndex(1);
        assertEquals(2L, c.member(1).recorder.readsReady.get(1L), "served at once, no messages needed");
        assertTrue(c.network.isEmpty());
        // Followers go silent; once the lease runs out a read needs a round again.
        c.isolate(Set.of(1L));
        c.advanceMs(950);
        c.network.clear();
        c.node(1).readIndex(2);
        assertTrue(c.member(1).recorder.readsReady.get(2L) == null, "lease expired: waits for a round");
    }

    @Test
    void readsAreBoundedPerLeader() {
        Cluster c = Cluster.of(3, RaftConfig.builder().maxPendingReads(2).build());
        c.elect(1);
        c.isolate(Set.of(1L));
        c.node(1).readIndex(1);
        c.node(1).readIndex(2);
        assertEquals(RejectReason.BUSY, assertInstanceOf(ProposeResult.Rejected.class, c.node(1).readIndex(3)).reason());
    }

    @Test
    void noLeaseIsTrustedAfterATimeoutNowWentOut() {
        Cluster c = Cluster.of(3, RaftConfig.builder().leaseReads(true).build());
        c.nowNs += 1_100_000_000L;
        c.elect(1);
        c.fireTimer(1, RaftNode.HEARTBEAT_TIMER_ID);
        c.deliverAll();
        c.node(1).transferLeadership(2);                      // node 2 is caught up: TimeoutNow at once
        c.take(e -> e.message() instanceof RaftMessage.TimeoutNow); // ... delayed somewhere in the network
        c.cut.add(java.util.List.of(1L, 2L));                 // (and so are its retries)
        c.runMs(1_200);                                       // the transfer is abandoned
        c.heal();
        assertTrue(c.node(1).isLeader(), c.describe());
        c.network.clear();
        c.node(1).readIndex(9);
        assertTrue(c.member(1).recorder.readsReady.get(9L) == null, "a late TimeoutNow could still elect node 2: no lease");
        c.deliverAll();
        assertTrue(c.member(1).recorder.readsReady.containsKey(9L), "served after a quorum round instead");
    }
}
