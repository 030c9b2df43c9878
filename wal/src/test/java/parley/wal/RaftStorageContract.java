package parley.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import parley.core.Check;
import parley.raft.ClusterConfig;
import parley.raft.HardState;
import parley.raft.LogEntry;
import parley.raft.RaftStorage;
import parley.raft.Snapshot;

/**
 * The behaviour every {@link RaftStorage} must show, run against each implementation. Every check is
 * made on the storage as written and again after {@link #restart} (a sync, then a fresh start from
 * what is durable), so an implementation whose recovery differs from its live state fails here.
 */
abstract class RaftStorageContract {
    /** A fresh, empty storage. */
    abstract RaftStorage create() throws Exception;

    /** Syncs, waits for the completion, and returns the storage as a restart would rebuild it. */
    abstract RaftStorage restart(RaftStorage storage) throws Exception;

    static LogEntry entry(long term, long index) {
        return new LogEntry(term, index, LogEntry.Kind.COMMAND, ("e" + index + "t" + term).getBytes());
    }

    static List<LogEntry> entries(long term, long from, long to) {
        List<LogEntry> list = new ArrayList<>();
        for (long i = from; i <= to; i++) list.add(entry(term, i));
        return list;
    }

    static Snapshot snapshot(long index, long term) {
        return new Snapshot(index, term, new ClusterConfig(Set.of(1L, 2L, 3L), Set.of(), Set.of(4L)), ("state@" + index).getBytes());
    }

    /** Checks {@code check} on the storage and on its restarted self. */
    interface Check_ {
        void on(RaftStorage storage);
    }

    RaftStorage both(RaftStorage storage, Check_ check) throws Exception {
        check.on(storage);
        RaftStorage restarted = restart(storage);
        check.on(restarted);
        return restarted;
    }

    static void assertLog(RaftStorage s, long snapshotIndex, long snapshotTerm, long lastIndex, long... terms) {
        assertEquals(snapshotIndex + 1, s.firstIndex());
        assertEquals(lastIndex, s.lastIndex());
        assertEquals(snapshotTerm, s.term(snapshotIndex));
        for (long i = snapshotIndex + 1; i <= lastIndex; i++) {
            long term = terms[(int) (i - snapshotIndex - 1)];
            assertEquals(term, s.term(i), "term(" + i + ")");
            LogEntry e = s.entry(i);
            assertEquals(List.of(term, i, LogEntry.Kind.COMMAND), List.of(e.term(), e.index(), e.kind()), "entry(" + i + ")");
            assertArrayEquals(entry(term, i).data(), e.data());
        }
    }

    @Test
    void anEmptyStorageHasNothing() throws Exception {
        both(create(), s -> {
            assertEquals(HardState.INITIAL, s.hardState());
            assertEquals(Snapshot.EMPTY, s.snapshot());
            assertEquals(1, s.firstIndex());
            assertEquals(0, s.lastIndex());
            assertEquals(0, s.term(0));
        });
    }

    @Test
    void hardStateAndEntriesAreKept() throws Exception {
        RaftStorage s = create();
        s.setHardState(new HardState(3, 2));
        s.append(entries(1, 1, 3));
        s.append(entries(3, 4, 5));
        s = both(s, x -> {
            assertEquals(new HardState(3, 2), x.hardState());
            assertLog(x, 0, 0, 5, 1, 1, 1, 3, 3);
        });
        s.setHardState(new HardState(4, HardState.NO_VOTE));
        both(s, x -> assertEquals(new HardState(4, 0), x.hardState()));
    }

    @Test
    void appendsMustContinueTheLog() throws Exception {
        RaftStorage s = create();
        s.append(entries(1, 1, 2));
        RaftStorage storage = s;
        assertThrows(Check.InvariantViolation.class, () -> storage.append(entries(1, 4, 4)));
        assertThrows(Check.InvariantViolation.class, () -> storage.append(entries(1, 2, 2)));
        both(s, x -> assertLog(x, 0, 0, 2, 1, 1));
    }

    @Test
    void hardStateTermNeverGoesBack() throws Exception {
        RaftStorage s = create();
        s.setHardState(new HardState(5, 1));
        assertThrows(Check.InvariantViolation.class, () -> s.setHardState(new HardState(4, 1)));
    }

    @Test
    void truncateAfterRemovesTheConflictingSuffix() throws Exception {
        RaftStorage s = create();
        s.append(entries(1, 1, 5));
        s.truncateAfter(3);
        s = both(s, x -> assertLog(x, 0, 0, 3, 1, 1, 1));
        s.append(entries(2, 4, 6));
        s.truncateAfter(10);
        s = both(s, x -> assertLog(x, 0, 0, 6, 1, 1, 1, 2, 2, 2));
        s.truncateAfter(0);
        both(s, x -> assertLog(x, 0, 0, 0));
    }

    @Test
    void aSnapshotInsideTheLogKeepsTheEntriesAfterIt() throws Exception {
        RaftStorage s = create();
        s.append(entries(1, 1, 4));
        s.append(entries(2, 5, 8));
        s.saveSnapshot(snapshot(5, 2));
        s = both(s, x -> {
            assertLog(x, 5, 2, 8, 2, 2, 2);
            assertEquals(5, x.snapshot().index());
            assertArrayEquals("state@5".getBytes(), x.snapshot().data());
            assertEquals(snapshot(5, 2).config(), x.snapshot().config());
        });
        RaftStorage storage = s;
        assertThrows(Check.InvariantViolation.class, () -> storage.truncateAfter(4));
        assertThrows(Check.InvariantViolation.class, () -> storage.entry(5));
        s.truncateAfter(6);
        s.append(entries(3, 7, 7));
        both(s, x -> assertLog(x, 5, 2, 7, 2, 3));
    }

    @Test
    void aSnapshotThatDisagreesWithTheLogReplacesIt() throws Exception {
        RaftStorage s = create();
        s.append(entries(1, 1, 6));
        s.saveSnapshot(snapshot(4, 2));
        s = both(s, x -> assertLog(x, 4, 2, 4));
        s.append(entries(3, 5, 6));
        both(s, x -> assertLog(x, 4, 2, 6, 3, 3));
    }

    @Test
    void aSnapshotBeyondTheLogReplacesIt() throws Exception {
        RaftStorage s = create();
        s.append(entries(1, 1, 3));
        s.saveSnapshot(snapshot(10, 4));
        s = both(s, x -> assertLog(x, 10, 4, 10));
        s.saveSnapshot(snapshot(12, 4));
        both(s, x -> {
            assertLog(x, 12, 4, 12);
            assertArrayEquals("state@12".getBytes(), x.snapshot().data());
        });
    }

    @Test
    void aSnapshotAtTheLastEntryLeavesAnEmptyLogAfterIt() throws Exception {
        RaftStorage s = create();
        s.append(entries(1, 1, 3));
        s.saveSnapshot(snapshot(3, 1));
        s = both(s, x -> assertLog(x, 3, 1, 3));
        s.append(entries(1, 4, 4));
        both(s, x -> assertLog(x, 3, 1, 4, 1));
    }
}
