package parley.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Client sessions: a retried command applies once; busy leaders refuse instead of queueing forever. */
class SessionTest {
    @Test
    void retriedCommandAppliesOnceAndGetsTheCachedResult() {
        Cluster c = Cluster.of(3, RaftConfig.DEFAULT);
        c.elect(1);
        c.propose(1, 7, 1, "incr");
        c.propose(1, 7, 1, "incr"); // the client retried: same client, same sequence
        c.propose(1, 7, 2, "incr");
        c.propose(1, 7, 1, "incr"); // a very late duplicate of an older request
        c.deliverAll();
        c.runMs(200);
        for (long id = 1; id <= 3; id++) {
            assertEquals(List.of("incr", "incr"), c.applied(id), "node " + id);
            List<Cluster.Recorder.Applied> applied = c.member(id).recorder.applied;
            assertEquals(3, applied.size());
            assertEquals(applied.get(0).result(), applied.get(1).result(), "the retry is answered from the cache");
            assertEquals(List.of(1L), c.member(id).recorder.stale);
        }
    }

    @Test
    void sessionsSurviveSnapshotsAndRestarts() {
        Cluster c = Cluster.of(3, RaftConfig.builder().snapshotThresholdEntries(3).build());
        c.elect(1);
        c.propose(1, 9, 1, "a");
        for (int i = 0; i < 5; i++) c.propose(1, "filler" + i);
        c.deliverAll();
        c.runMs(200);
        long snapshotIndex = c.node(2).log.snapshotIndex();
        assertEquals(true, snapshotIndex > 3, "node 2 compacted past the session's entry");
        c.crash(2);
        c.restart(2);
        c.propose(1, 9, 1, "a"); // retry after the snapshot
        c.runMs(500);
        assertEquals(1, c.applied(2).stream().filter("a"::equals).count(),
                "node 2 (restored from its snapshot, sessions included) did not apply the retry");
        assertEquals(List.of("a", "filler0", "filler1", "filler2", "filler3", "filler4"), c.applied(1));
    }

    @Test
    void sessionTableEvictsLeastRecentlyUsedDeterministically() {
        SessionTable t = new SessionTable(2);
        t.record(1, 1, new byte[] {1}, 10);
        t.record(2, 1, new byte[] {2}, 11);
        t.record(1, 2, new byte[] {3}, 12);
        t.record(3, 1, new byte[] {4}, 13); // evicts client 2, the least recently used
        assertEquals(SessionTable.Verdict.NEW, t.check(2, 1));
        assertEquals(SessionTable.Verdict.DUPLICATE, t.check(1, 2));
        assertEquals(SessionTable.Verdict.STALE, t.check(1, 1));
        SessionTable copy = SessionTable.decode(t.encode(), 2);
        assertEquals(SessionTable.Verdict.DUPLICATE, copy.check(3, 1));
        assertEquals(4, copy.cachedResult(3)[0]);
    }

    @Test
    void proposalsAreBoundedAndTooLargeCommandsRefused() {
        Cluster c = Cluster.of(3, RaftConfig.builder().maxPendingProposals(2).maxAppendBytes(100).build());
        c.elect(1);
        c.propose(1, "a");
        c.propose(1, "b");
        assertEquals(RejectReason.BUSY, assertInstanceOf(ProposeResult.Rejected.class,
                c.node(1).propose(0, 0, new byte[1])).reason());
        c.deliverAll();
        assertEquals(RejectReason.TOO_LARGE, assertInstanceOf(ProposeResult.Rejected.class,
                c.node(1).propose(0, 0, new byte[200])).reason());
    }
}
