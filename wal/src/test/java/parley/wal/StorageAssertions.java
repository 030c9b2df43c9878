package parley.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import parley.raft.LogEntry;
import parley.raft.RaftStorage;

/** Compares two storages by everything Raft can read from them. */
final class StorageAssertions {
    private StorageAssertions() {}

    static void assertSameState(RaftStorage expected, RaftStorage actual) {
        assertEquals(expected.hardState(), actual.hardState(), "hard state");
        assertEquals(expected.snapshot().index(), actual.snapshot().index(), "snapshot index");
        assertEquals(expected.snapshot().term(), actual.snapshot().term(), "snapshot term");
        assertEquals(expected.snapshot().config(), actual.snapshot().config(), "snapshot config");
        assertArrayEquals(expected.snapshot().data(), actual.snapshot().data(), "snapshot data");
        assertEquals(expected.firstIndex(), actual.firstIndex(), "first index");
        assertEquals(expected.lastIndex(), actual.lastIndex(), "last index");
        assertEquals(expected.term(expected.snapshot().index()), actual.term(actual.snapshot().index()), "term at the snapshot");
        for (long i = expected.firstIndex(); i <= expected.lastIndex(); i++) {
            LogEntry e = expected.entry(i);
            LogEntry a = actual.entry(i);
            assertEquals(e.term(), a.term(), "term of " + i);
            assertEquals(e.index(), a.index(), "index of " + i);
            assertEquals(e.kind(), a.kind(), "kind of " + i);
            assertArrayEquals(e.data(), a.data(), "data of " + i);
        }
    }
}
