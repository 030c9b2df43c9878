package parley.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import parley.raft.RaftMessage.InstallSnapshot;

/** Log compaction and snapshot installation on lagging or new followers. */
class SnapshotTest {
    static final RaftConfig SMALL = RaftConfig.builder().snapshotThresholdEntries(5).snapshotChunkBytes(16).build();

    @Test
    void leaderCompactsWhenAppliedExceedsTheThreshold() {
        Cluster c = Cluster.of(3, SMALL);
        c.elect(1);
        for (int i = 0; i < 12; i++) c.propose(1, "c" + i);
        c.deliverAll();
        c.runMs(200);
        RaftLog log = c.node(1).log;
        assertTrue(log.snapshotIndex() > 5, "compacted: snapshot at " + log.snapshotIndex());
        assertEquals(log.snapshotIndex() + 1, log.firstIndex());
        assertTrue(log.appliedIndex() - log.snapshotIndex() <= 5);
    }

    @Test
    void largeEntriesTriggerASnapshotLongBeforeTheEntryCount() {
        RaftConfig byBytes = RaftConfig.builder().snapshotThresholdEntries(1_000).snapshotThresholdBytes(4_000).build();
        Cluster c = Cluster.of(3, byBytes);
        c.elect(1);
        String large = "x".repeat(1_000);
        for (int i = 0; i < 12; i++) c.propose(1, large + i);
        c.deliverAll();
        c.runMs(200);
        RaftLog log = c.node(1).log;
        assertTrue(log.snapshotIndex() > 0, "a snapshot after about 4,000 bytes of entries, not 1,000 entries");
        assertTrue(log.appliedIndex() - log.snapshotIndex() <= 5, "at most about 4 entries of 1 KB since the last one: "
                + (log.appliedIndex() - log.snapshotIndex()));
        assertEquals(c.applied(1), c.applied(2), "replicas still agree");
    }

    @Test
    void laggingFollowerReceivesTheSnapshotInChunks() {
        Cluster c = Cluster.of(3, SMALL);
        c.recordSends = true;
        c.elect(1);
        c.crash(3);
        for (int i = 0; i < 20; i++) c.propose(1, "command-" + i);
        c.deliverAll();
        c.runMs(200);
        c.restart(3);
        c.runMs(1_000);
        long chunks = c.countSent(InstallSnapshot.class);
        assertTrue(chunks > 3, "several chunks of 16 bytes: " + chunks);
        assertEquals(c.applied(1), c.applied(3), "state restored from the snapshot, then the tail applied");
        assertEquals(c.node(1).log.lastIndex(), c.node(3).log.lastIndex());
        assertTrue(c.node(3).log.snapshotIndex() > 0);
    }

    @Test
    void lostChunksAreResentAfterTheChunkTimeout() {
        Cluster c = Cluster.of(3, SMALL);
        c.elect(1);
        c.crash(3);
        for (int i = 0; i < 20; i++) c.propose(1, "command-" + i);
        c.deliverAll();
        c.runMs(200);
        c.restart(3);
        int seen = 0;
        for (int step = 0; step < 100; step++) {
            c.advanceMs(50);
            for (int i = 0; i < 1_000 && (!c.network.isEmpty() || c.syncAll() > 0); i++) {
                if (c.network.isEmpty()) continue;
                Cluster.Envelope e = c.network.remove(0);
                // Drop every third chunk on its way.
                if (e.message() instanceof InstallSnapshot && ++seen % 3 == 0) continue;
                c.deliver(e);
            }
        }
        assertTrue(seen > 6, "chunks seen: " + seen);
        assertEquals(c.applied(1), c.applied(3));
    }

    @Test
    void snapshotInstallIsAcknowledgedOnlyOnceDurable() {
        Cluster c = Cluster.of(3, SMALL);
        c.elect(1);
        c.crash(3);
        for (int i = 0; i < 8; i++) c.propose(1, "c" + i);
        c.deliverAll();
        c.runMs(200);
        c.restart(3);
        c.fireTimer(1, RaftNode.HEARTBEAT_TIMER_ID);
        // Deliver everything but never complete node 3's syncs: no "installed" answer may appear.
        for (int i = 0; i < 200 && !c.network.isEmpty(); i++) {
            c.syncNode(1);
            c.syncNode(2);
            c.deliver(c.network.remove(0));
            assertTrue(c.network.stream().noneMatch(e -> e.message() instanceof RaftMessage.InstallSnapshotResponse r && r.installed()));
        }
        assertTrue(c.node(3).log.snapshotIndex() > 0, "installed in memory");
        c.syncNode(3);
        assertTrue(c.network.stream().anyMatch(e -> e.message() instanceof RaftMessage.InstallSnapshotResponse r && r.installed()));
    }

    @Test
    void restartRecoversFromSnapshotPlusLogTail() {
        Cluster c = Cluster.of(3, SMALL);
        c.elect(1);
        for (int i = 0; i < 9; i++) c.propose(1, "c" + i);
        c.deliverAll();
        c.runMs(200);
        List<String> before = List.copyOf(c.applied(2));
        c.crash(2);
        c.restart(2);
        c.runMs(300);
        assertEquals(before, c.applied(2));
    }
}
