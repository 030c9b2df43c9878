package parley.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void threeNodesElectReplicateAndApply() {
        Cluster c = Cluster.of(3, RaftConfig.DEFAULT);
        c.elect(1);
        c.propose(1, "a");
        c.propose(1, "b");
        c.deliverAll();
        c.runMs(300);
        for (long id = 1; id <= 3; id++) {
            assertEquals(List.of("a", "b"), c.applied(id), c.describe());
        }
        assertTrue(c.node(1).isLeader());
    }

    @Test
    void singleNodeCommitsAlone() {
        Cluster c = Cluster.of(1, RaftConfig.DEFAULT);
        c.elect(1);
        c.propose(1, "x");
        c.deliverAll();
        assertEquals(List.of("x"), c.applied(1), c.describe());
    }
}
