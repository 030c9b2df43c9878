package parley.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A recurring problem is logged when it starts, then at a bounded rate, and its end once. */
class ProblemLogTest {
    private long nowNs;
    private final ProblemLog log = new ProblemLog(() -> nowNs);

    @Test
    void aProblemIsLoggedOnceThenOncePerIntervalThenItsEnd() {
        assertTrue(log.report("dial node 2", "cannot reach node 2 at 127.0.0.1:1"));
        int logged = 0;
        for (int attempt = 0; attempt < 1_000; attempt++) {
            nowNs += 50_000_000L; // a redial every 50 ms for 50 s
            if (log.report("dial node 2", "cannot reach node 2 at 127.0.0.1:1")) logged++;
        }
        assertEquals(0, logged, "no repeat within a minute");
        nowNs += ProblemLog.REPEAT_NS;
        assertTrue(log.report("dial node 2", "cannot reach node 2 at 127.0.0.1:1"), "once a minute after that");
        assertTrue(log.report("dial node 3", "cannot reach node 3 at 127.0.0.1:2"), "another problem is its own");
        log.resolved("dial node 2", "connected to node 2");
        assertFalse(log.active("dial node 2"));
        assertTrue(log.active("dial node 3"));
        assertTrue(log.report("dial node 2", "cannot reach node 2 at 127.0.0.1:1"), "a new outage is reported at once");
    }

    @Test
    void theTrackedProblemsAreBounded() {
        for (int key = 0; key < ProblemLog.KEYS_MAX * 3; key++) log.report("refusing node " + key, "refused");
        int active = 0;
        for (int key = 0; key < ProblemLog.KEYS_MAX * 3; key++) if (log.active("refusing node " + key)) active++;
        assertTrue(active <= ProblemLog.KEYS_MAX, "at most " + ProblemLog.KEYS_MAX + " tracked: " + active);
    }
}
