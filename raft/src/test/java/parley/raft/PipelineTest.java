package parley.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import parley.core.env.SplittableRandomSource;
import parley.raft.RaftMessage.AppendEntries;

/** Batching and pipelining: optimistic appends within a window, recovery from lost and reordered ones. */
class PipelineTest {
    @Test
    void windowBoundsUnacknowledgedAppendsAndBatchesTheRest() {
        Cluster c = Cluster.of(3, RaftConfig.builder().maxInflightAppends(2).maxEntriesPerAppend(3).build());
        c.elect(1);
        c.network.clear();
        for (int i = 0; i < 10; i++) c.propose(1, "c" + i);
        List<AppendEntries> toTwo = c.network.stream().filter(e -> e.to() == 2 && e.message() instanceof AppendEntries)
                .map(e -> (AppendEntries) e.message()).toList();
        assertEquals(2, toTwo.size(), "two appends in flight, no more: " + toTwo);
        assertEquals(2, c.node(1).status().peers().get(2L).inflightAppends());
        c.deliverAll();
        for (long id = 1; id <= 3; id++) assertEquals(10, c.applied(id).size());
    }

    @Test
    void lostAndReorderedAppendsAreRecovered() {
        Cluster c = Cluster.of(3, RaftConfig.builder().maxInflightAppends(4).maxEntriesPerAppend(2).build());
        c.elect(1);
        SplittableRandomSource r = new SplittableRandomSource(7);
        List<String> expected = new ArrayList<>();
        for (int round = 0; round < 40; round++) {
            for (int i = 0; i < 3; i++) {
                String cmd = "r" + round + "." + i;
                expected.add(cmd);
                c.propose(1, cmd);
            }
            // Lose a quarter of the appends, deliver the rest in random order.
            c.dropAll(e -> e.message() instanceof AppendEntries && r.nextInt(4) == 0);
            while (!c.network.isEmpty()) {
                c.deliver(c.network.remove(r.nextInt(c.network.size())));
                c.syncAll();
            }
            c.advanceMs(100);
        }
        c.runMs(2_000);
        for (long id = 1; id <= 3; id++) assertEquals(expected, c.applied(id), "node " + id);
        assertTrue(c.node(1).isLeader());
    }
}
