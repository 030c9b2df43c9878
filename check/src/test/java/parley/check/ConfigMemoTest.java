package parley.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The memo: exact repeats and configurations dominated by fewer unknown-outcome operations are refused. */
class ConfigMemoTest {
    private static final long[] TAIL = {0b1010};

    @Test
    void refusesRepeats() {
        ConfigMemo memo = new ConfigMemo(0);
        assertTrue(memo.enter(3, 7, TAIL, new long[0]));
        assertFalse(memo.enter(3, 7, TAIL.clone(), new long[0]));
        assertTrue(memo.enter(3, 8, TAIL, new long[0]), "another state is another configuration");
        assertTrue(memo.enter(4, 7, TAIL, new long[0]), "another frontier is another configuration");
        assertEquals(3, memo.entryCount());
    }

    @Test
    void fewerUnknownOutcomesDominate() {
        ConfigMemo memo = new ConfigMemo(3);
        assertTrue(memo.enter(0, 1, TAIL, new long[] {0b011}));
        assertFalse(memo.enter(0, 1, TAIL, new long[] {0b111}), "a superset of applied unknowns adds nothing");
        assertTrue(memo.enter(0, 1, TAIL, new long[] {0b101}), "incomparable sets are both kept");
        assertEquals(2, memo.entryCount());
        assertTrue(memo.enter(0, 1, TAIL, new long[] {0b001}), "a subset of both replaces both");
        assertEquals(1, memo.entryCount());
        assertFalse(memo.enter(0, 1, TAIL, new long[] {0b011}));
    }
}
