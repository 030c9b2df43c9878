package parley.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import parley.raft.RaftMessage.RequestVote;
import parley.raft.RaftMessage.RequestVoteResponse;

/**
 * Each protected test seam of {@link RaftNode} really controls its behaviour: a planted-bug override
 * produces the unsafe behaviour it stands for (and the correct node does not).
 */
class TestSeamTest {
    static final RaftConfig PLAIN = RaftPaperTest.PLAIN;

    @Test
    void quorumCommitIndexSeam_leaderCountingOnlyItselfCommitsWithoutAQuorum() {
        Cluster buggy = Cluster.of(3, PLAIN, 1, (cfg, env, st, sm, l) -> new RaftNode(cfg, env, st, sm, l) {
            @Override protected long quorumCommitIndex() {
                return status().durableIndex(); // the leader's own index
            }
        });
        buggy.elect(1);
        buggy.isolate(Set.of(1L));
        ProposeResult.Accepted a = buggy.propose(1, "x");
        buggy.deliverAll();
        assertEquals(a.index(), buggy.node(1).log.commitIndex(), "the planted bug commits alone");

        Cluster correct = Cluster.of(3, PLAIN);
        correct.elect(1);
        correct.isolate(Set.of(1L));
        ProposeResult.Accepted b = correct.propose(1, "x");
        correct.deliverAll();
        assertTrue(correct.node(1).log.commitIndex() < b.index());
    }

    @Test
    void recoverHardStateSeam_forgettingTheVoteAllowsASecondVoteInATerm() {
        Cluster.NodeFactory forgetful = (cfg, env, st, sm, l) -> new RaftNode(cfg, env, st, sm, l) {
            @Override protected HardState recoverHardState(HardState stored) {
                return new HardState(stored.term(), HardState.NO_VOTE);
            }
        };
        assertEquals(List.of(true, true), votesAcrossRestart(Cluster.of(3, PLAIN, 1, forgetful)));
        assertEquals(List.of(true, false), votesAcrossRestart(Cluster.of(3, PLAIN)));
    }

    private static List<Boolean> votesAcrossRestart(Cluster c) {
        c.node(3).onMessage(1, new RequestVote(2, 1, 1, false));
        c.syncAll();
        List<Boolean> votes = new java.util.ArrayList<>(granted(c));
        c.crash(3);
        c.restart(3);
        c.node(3).onMessage(2, new RequestVote(2, 1, 1, false));
        c.syncAll();
        votes.addAll(granted(c));
        return votes;
    }

    private static List<Boolean> granted(Cluster c) {
        return c.take(e -> e.from() == 3 && e.message() instanceof RequestVoteResponse).stream()
                .map(e -> ((RequestVoteResponse) e.message()).granted()).toList();
    }

    @Test
    void readsNeedQuorumConfirmationSeam_deposedLeaderServesStaleReads() {
        Cluster buggy = Cluster.of(3, PLAIN, 1, (cfg, env, st, sm, l) -> new RaftNode(cfg, env, st, sm, l) {
            @Override protected boolean readsNeedQuorumConfirmation() {
                return false;
            }
        });
        buggy.elect(1);
        buggy.isolate(Set.of(1L));
        buggy.node(1).readIndex(1);
        assertTrue(buggy.member(1).recorder.readsReady.containsKey(1L), "served with no confirmation at all");

        Cluster correct = Cluster.of(3, PLAIN);
        correct.elect(1);
        correct.isolate(Set.of(1L));
        correct.node(1).readIndex(1);
        correct.deliverAll();
        assertTrue(correct.member(1).recorder.readsReady.isEmpty());
    }

    @Test
    void acknowledgeAppendBeforeSyncSeam_followerAcksUnsyncedEntries() {
        Cluster buggy = Cluster.of(3, PLAIN, 1, (cfg, env, st, sm, l) -> new RaftNode(cfg, env, st, sm, l) {
            @Override protected boolean acknowledgeAppendBeforeSync() {
                return true;
            }
        });
        AssertionError e = assertThrows(AssertionError.class, () -> {
            buggy.elect(1);
            buggy.propose(1, "x");
            buggy.deliverAll();
        });
        assertTrue(e.getMessage().contains("acknowledged unsynced entry"), e.getMessage());
    }
}
