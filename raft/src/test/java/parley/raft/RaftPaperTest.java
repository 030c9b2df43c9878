package parley.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import parley.raft.RaftMessage.AppendEntries;
import parley.raft.RaftMessage.AppendEntriesResponse;
import parley.raft.RaftMessage.Heartbeat;
import parley.raft.RaftMessage.RequestVote;
import parley.raft.RaftMessage.RequestVoteResponse;

/**
 * One test per rule of Figure 2 of the Raft paper ("In Search of an Understandable Consensus
 * Algorithm"), in its order, after etcd's raft_paper_test.go. Pre-vote and check-quorum are off so
 * each rule shows alone; the durability rules of Parley (vote and ack only once synced) follow.
 */
class RaftPaperTest {
    static final RaftConfig PLAIN = RaftConfig.builder().preVote(false).checkQuorum(false).build();

    static LogEntry entry(long term, long index) {
        return new LogEntry(term, index, LogEntry.Kind.COMMAND, EntryCodec.encodeCommand(0, 0, ("e" + index).getBytes(StandardCharsets.UTF_8)));
    }

    /** A follower (node 2 of 3) fed directly, with node 1 playing leader of {@code term}. */
    static Cluster followerWithLog(long term, LogEntry... entries) {
        Cluster c = Cluster.of(3, PLAIN);
        c.node(2).onMessage(1, new AppendEntries(term, 1, 1, List.of(entries), 1));
        c.syncAll();
        c.network.clear();
        return c;
    }

    static <T extends RaftMessage> List<T> sent(Cluster c, long from, Class<T> type) {
        return c.network.stream().filter(e -> e.from() == from && type.isInstance(e.message()))
                .map(e -> type.cast(e.message())).toList();
    }

    // --- AppendEntries RPC, receiver implementation -------------------------------------------------

    @Test
    void appendEntries1_replyFalseIfTermBelowCurrentTerm() {
        Cluster c = followerWithLog(3, entry(3, 2));
        c.node(2).onMessage(3, new AppendEntries(2, 2, 3, List.of(), 0));
        c.syncAll();
        AppendEntriesResponse r = sent(c, 2, AppendEntriesResponse.class).get(0);
        assertFalse(r.success());
        assertEquals(3, r.term(), "the reply carries the current term so the stale leader steps down");
        assertEquals(2, c.node(2).log.lastIndex(), "nothing appended");
    }

    @Test
    void appendEntries2_replyFalseIfLogLacksMatchingPrevEntry() {
        Cluster c = followerWithLog(2, entry(2, 2), entry(2, 3));
        // Missing entry: prev beyond the log.
        c.node(2).onMessage(1, new AppendEntries(2, 5, 2, List.of(entry(2, 6)), 0));
        // Term mismatch at prev.
        c.node(2).onMessage(1, new AppendEntries(2, 3, 1, List.of(entry(2, 4)), 0));
        c.syncAll();
        List<AppendEntriesResponse> rs = sent(c, 2, AppendEntriesResponse.class);
        assertEquals(2, rs.size());
        assertFalse(rs.get(0).success());
        assertEquals(4, rs.get(0).conflictIndex(), "shorter log: hint is our last index + 1");
        assertEquals(0, rs.get(0).conflictTerm());
        assertFalse(rs.get(1).success());
        assertEquals(2, rs.get(1).conflictTerm(), "mismatch: hint is our term at prev ...");
        assertEquals(2, rs.get(1).conflictIndex(), "... and the first index we hold of that term");
        assertEquals(3, c.node(2).log.lastIndex(), "nothing appended");
    }

    @Test
    void appendEntries3_conflictingEntryDeletesItAndAllThatFollow() {
        Cluster c = followerWithLog(2, entry(2, 2), entry(2, 3), entry(2, 4));
        c.node(2).onMessage(3, new AppendEntries(3, 2, 2, List.of(entry(3, 3)), 1));
        c.syncAll();
        RaftLog log = c.node(2).log;
        assertEquals(3, log.lastIndex(), "entry 4 (after the conflict) is gone");
        assertEquals(3, log.term(3), "entry 3 replaced by the new leader's");
        assertTrue(sent(c, 2, AppendEntriesResponse.class).get(0).success());
    }

    @Test
    void appendEntries4_appendNewEntriesNotAlreadyInLog() {
        Cluster c = followerWithLog(2, entry(2, 2));
        // Overlapping batch: entry 2 is already there, 3 and 4 are new.
        c.node(2).onMessage(1, new AppendEntries(2, 1, 1, List.of(entry(2, 2), entry(2, 3), entry(2, 4)), 1));
        c.syncAll();
        RaftLog log = c.node(2).log;
        assertEquals(4, log.lastIndex());
        assertEquals(4, sent(c, 2, AppendEntriesResponse.class).get(0).matchIndex());
    }

    @Test
    void appendEntries5_commitIndexIsMinOfLeaderCommitAndLastNewEntry() {
        Cluster c = followerWithLog(2, entry(2, 2), entry(2, 3), entry(2, 4));
        // leaderCommit beyond the last entry of this message: commit only up to the last new entry (3),
        // because entry 4 here was not checked against the leader's log by this message.
        c.node(2).onMessage(1, new AppendEntries(2, 2, 2, List.of(entry(2, 3)), 10));
        assertEquals(3, c.node(2).log.commitIndex());
        c.node(2).onMessage(1, new AppendEntries(2, 3, 2, List.of(entry(2, 4)), 3));
        assertEquals(3, c.node(2).log.commitIndex(), "leaderCommit below the last new entry wins");
    }

    // --- RequestVote RPC, receiver implementation ---------------------------------------------------

    @Test
    void requestVote1_replyFalseIfTermBelowCurrentTerm() {
        Cluster c = followerWithLog(3, entry(3, 2));
        c.node(2).onMessage(3, new RequestVote(2, 10, 2, false));
        c.syncAll();
        RequestVoteResponse r = sent(c, 2, RequestVoteResponse.class).get(0);
        assertFalse(r.granted());
        assertEquals(3, r.term());
    }

    @Test
    void requestVote2_voteOncePerTermForAnUpToDateCandidate() {
        Cluster c = Cluster.of(3, PLAIN);
        c.node(3).onMessage(1, new RequestVote(2, 1, 1, false));
        c.node(3).onMessage(2, new RequestVote(2, 1, 1, false));
        c.node(3).onMessage(1, new RequestVote(2, 1, 1, false)); // a retry from the same candidate
        c.syncAll();
        List<RequestVoteResponse> rs = sent(c, 3, RequestVoteResponse.class);
        assertEquals(List.of(true, false, true), rs.stream().map(RequestVoteResponse::granted).toList());
        assertEquals(new HardState(2, 1), c.member(3).storage.durableHardState());
    }

    @Test
    void requestVote2_rejectCandidateWhoseLogIsLessUpToDate() {
        Cluster c = followerWithLog(2, entry(2, 2), entry(2, 3));
        // Same last term, shorter log: rejected. Higher last term, shorter log: granted (§5.4.1).
        c.node(2).onMessage(3, new RequestVote(3, 2, 2, false));
        c.syncAll(); // (an answer still waiting for a sync is dropped when the term moves on)
        c.node(2).onMessage(3, new RequestVote(4, 2, 3, false));
        c.syncAll();
        List<RequestVoteResponse> rs = sent(c, 2, RequestVoteResponse.class);
        assertFalse(rs.get(0).granted());
        assertTrue(rs.get(1).granted());
    }

    // --- Rules for servers ------------------------------------------------------------------------

    @Test
    void allServers_applyCommittedEntriesInLogOrder() {
        Cluster c = Cluster.of(3, PLAIN);
        c.elect(1);
        for (int i = 0; i < 10; i++) c.propose(1, "c" + i);
        c.deliverAll();
        c.runMs(200);
        List<String> expected = List.of("c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9");
        for (long id = 1; id <= 3; id++) {
            assertEquals(expected, c.applied(id));
            List<Long> indexes = c.member(id).recorder.applied.stream().map(Cluster.Recorder.Applied::index).toList();
            assertEquals(indexes.stream().sorted().toList(), indexes, "applied in index order");
        }
    }

    @Test
    void allServers_higherTermConvertsToFollower() {
        Cluster c = Cluster.of(3, PLAIN);
        c.elect(1);
        assertTrue(c.node(1).isLeader());
        long term = c.node(1).term();
        c.node(1).onMessage(3, new Heartbeat(term + 5, 0, 0));
        assertEquals(RaftRole.FOLLOWER, c.node(1).role());
        assertEquals(term + 5, c.node(1).term());
        assertEquals(3, c.node(1).leaderId());
    }

    @Test
    void followers_electionTimeoutWithoutLeaderStartsElection() {
        Cluster c = Cluster.of(3, PLAIN);
        c.fireTimer(2, RaftNode.ELECTION_TIMER_ID);
        assertEquals(RaftRole.CANDIDATE, c.node(2).role());
        assertEquals(2, c.node(2).term());
    }

    @Test
    void candidates_incrementTermVoteForSelfResetTimerAndRequestVotes() {
        Cluster c = Cluster.of(3, PLAIN);
        c.member(1).timers.clear();
        c.fireTimer(1, RaftNode.ELECTION_TIMER_ID);
        RaftStatus s = c.node(1).status();
        assertEquals(2, s.term());
        assertEquals(1, s.votedFor());
        assertTrue(c.member(1).timers.containsKey(RaftNode.ELECTION_TIMER_ID), "election timer re-armed");
        assertTrue(sent(c, 1, RequestVote.class).isEmpty(), "no vote requested before the vote for self is durable");
        c.syncNode(1);
        List<Long> targets = c.network.stream().filter(e -> e.message() instanceof RequestVote).map(Cluster.Envelope::to).toList();
        assertEquals(List.of(2L, 3L), targets);
    }

    @Test
    void candidates_majorityOfVotesWins() {
        Cluster c = Cluster.of(5, PLAIN);
        c.isolate(Set.of(4L, 5L)); // 3 of 5 still answer
        c.fireTimer(1, RaftNode.ELECTION_TIMER_ID);
        c.deliverAll();
        assertTrue(c.node(1).isLeader());
    }

    @Test
    void candidates_appendEntriesFromNewLeaderMakesFollower() {
        Cluster c = Cluster.of(3, PLAIN);
        c.fireTimer(1, RaftNode.ELECTION_TIMER_ID);
        c.fireTimer(2, RaftNode.ELECTION_TIMER_ID);
        c.network.clear();
        assertEquals(RaftRole.CANDIDATE, c.node(1).role());
        c.node(1).onMessage(2, new Heartbeat(2, 0, 0));
        assertEquals(RaftRole.FOLLOWER, c.node(1).role());
        assertEquals(2, c.node(1).leaderId());
    }

    @Test
    void candidates_electionTimeoutStartsNewElection() {
        Cluster c = Cluster.of(3, PLAIN);
        c.fireTimer(1, RaftNode.ELECTION_TIMER_ID);
        c.syncAll();
        c.network.clear(); // votes lost
        c.fireTimer(1, RaftNode.ELECTION_TIMER_ID);
        assertEquals(RaftRole.CANDIDATE, c.node(1).role());
        assertEquals(3, c.node(1).term());
        c.deliverAll();
        assertTrue(c.node(1).isLeader());
    }

    @Test
    void leaders_sendAppendOnElectionAndHeartbeatsWhenIdle() {
        Cluster c = Cluster.of(3, PLAIN);
        c.fireTimer(1, RaftNode.ELECTION_TIMER_ID);
        c.syncNode(1);
        c.deliver(c.take(e -> e.to() == 2).get(0));
        c.syncNode(2);
        c.deliver(c.take(e -> e.from() == 2).get(0));
        assertTrue(c.node(1).isLeader());
        assertEquals(List.of(2L, 3L), c.network.stream().filter(e -> e.message() instanceof AppendEntries a && a.entries().size() == 1)
                .map(Cluster.Envelope::to).toList(), "the new leader's no-op goes out at once");
        c.deliverAll();
        c.network.clear();
        c.fireTimer(1, RaftNode.HEARTBEAT_TIMER_ID);
        assertEquals(List.of(2L, 3L), c.network.stream().filter(e -> e.message() instanceof Heartbeat).map(Cluster.Envelope::to).toList());
        assertTrue(c.member(1).timers.containsKey(RaftNode.HEARTBEAT_TIMER_ID), "heartbeat re-armed");
    }

    @Test
    void leaders_trackNextAndMatchIndexPerFollower() {
        Cluster c = Cluster.of(3, PLAIN);
        c.elect(1);
        c.isolate(Set.of(3L));
        c.propose(1, "x");
        c.deliverAll();
        RaftStatus s = c.node(1).status();
        assertEquals(3, s.peers().get(2L).matchIndex());
        assertEquals(4, s.peers().get(2L).nextIndex());
        assertEquals(2, s.peers().get(3L).matchIndex(), "node 3 never acknowledged entry 3");
        assertEquals(3, s.commitIndex(), "a majority (1 and 2) suffices");
        c.heal();
        c.runMs(300);
        assertEquals(3, c.node(1).status().peers().get(3L).matchIndex(), "retried until node 3 matched");
    }

    @Test
    void leaders_decrementNextIndexOnRejectAndRetry() {
        Cluster c = Cluster.of(3, PLAIN.toBuilder().maxEntriesPerAppend(2).build());
        c.elect(1);
        c.crash(3);
        for (int i = 0; i < 9; i++) c.propose(1, "x" + i);
        c.deliverAll();
        c.restart(3);
        c.runMs(1000);
        assertEquals(c.applied(1), c.applied(3));
        assertEquals(c.node(1).log.lastIndex(), c.node(1).status().peers().get(3L).matchIndex());
    }

    @Test
    void leaders_commitOnlyCurrentTermEntriesByCounting() {
        // Figure 8: an entry of an older term stored on a majority is not committed by counting.
        Cluster c = Cluster.of(3, PLAIN.toBuilder().maxEntriesPerAppend(1).build());
        c.elect(1);                                  // term 2; entries 1 (config), 2 (no-op)
        c.isolate(Set.of(1L));
        c.propose(1, "old");                         // index 3, term 2, only on node 1
        c.deliverAll();
        c.heal();
        c.crash(1);                                  // entry 3 is durable on node 1
        c.restart(1);
        c.fireTimer(1, RaftNode.ELECTION_TIMER_ID);  // term 3: node 1's log is the most up to date
        // Replicate entry 3 (term 2) to both followers but hold back the term-3 no-op at index 4.
        for (int i = 0; i < 50; i++) {
            c.dropAll(e -> e.message() instanceof AppendEntries a && a.lastIndex() == 4
                    && c.node(1).status().peers().get(e.to()).matchIndex() == 3);
            if (c.network.isEmpty() && c.syncAll() == 0) break;
            if (!c.network.isEmpty()) c.deliver(c.network.remove(0));
        }
        RaftStatus s = c.node(1).status();
        assertTrue(c.node(1).isLeader());
        assertEquals(3, s.peers().get(2L).matchIndex(), c.describe());
        assertEquals(3, s.peers().get(3L).matchIndex());
        assertTrue(s.commitIndex() < 3, "entry 3 is on all nodes but of term 2: not committed by counting");
        c.runMs(500);                                // the pipeline stall is detected, the no-op goes out
        assertEquals(4, c.node(1).log.commitIndex(), "committing the term-3 no-op commits entry 3 too");
        assertEquals(List.of("old"), c.applied(2));
    }

    // --- Durability (Parley's rule: acknowledge only what is synced) -----------------------------

    @Test
    void durability_voteSentOnlyAfterSync() {
        Cluster c = Cluster.of(3, PLAIN);
        c.node(2).onMessage(1, new RequestVote(2, 1, 1, false));
        assertTrue(sent(c, 2, RequestVoteResponse.class).isEmpty());
        c.syncNode(2);
        assertTrue(sent(c, 2, RequestVoteResponse.class).get(0).granted());
    }

    @Test
    void durability_followerAcknowledgesAppendOnlyAfterSync() {
        Cluster c = Cluster.of(3, PLAIN);
        c.node(2).onMessage(1, new AppendEntries(2, 1, 1, List.of(entry(2, 2)), 1));
        c.syncNode(2); // covers the term change and the entry, issued together
        c.network.clear();
        c.node(2).onMessage(1, new AppendEntries(2, 2, 2, List.of(entry(2, 3)), 1));
        assertTrue(sent(c, 2, AppendEntriesResponse.class).isEmpty(), "no ack before the entry is synced");
        c.syncNode(2);
        assertEquals(3, sent(c, 2, AppendEntriesResponse.class).get(0).matchIndex());
    }

    @Test
    void durability_leaderSendsBeforeItsOwnSyncButCountsItselfOnlyWhenSynced() {
        Cluster c = Cluster.of(3, PLAIN);
        c.elect(1);
        c.isolate(Set.of(3L));
        ProposeResult.Accepted a = c.propose(1, "x");
        assertFalse(sent(c, 1, AppendEntries.class).isEmpty(), "replication starts before the leader's own sync");
        // Deliver to node 2 and its ack back, without completing node 1's sync.
        for (int i = 0; i < 10; i++) {
            c.syncNode(2);
            List<Cluster.Envelope> todo = c.take(e -> e.from() != 3 && e.to() != 3);
            todo.forEach(c::deliver);
        }
        assertEquals(a.index() - 1, c.node(1).log.commitIndex(), "1 of 2 needed durable copies: not committed");
        c.syncNode(1);
        assertEquals(a.index(), c.node(1).log.commitIndex());
    }

    @Test
    void proposalAtFollowerIsRedirected() {
        Cluster c = Cluster.of(3, PLAIN);
        c.elect(1);
        ProposeResult r = c.node(2).propose(0, 0, new byte[0]);
        assertEquals(1, assertInstanceOf(ProposeResult.NotLeader.class, r).leaderHint());
    }
}
