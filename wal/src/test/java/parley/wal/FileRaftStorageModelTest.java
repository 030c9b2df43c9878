package parley.wal;

import static parley.wal.StorageAssertions.assertSameState;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import parley.raft.ClusterConfig;
import parley.raft.HardState;
import parley.raft.LogEntry;
import parley.raft.MemoryRaftStorage;
import parley.raft.Snapshot;

/**
 * Random operation sequences applied to {@link FileRaftStorage} and to {@link MemoryRaftStorage} (the
 * reference): after every step, and after every restart and crash, both must read the same. Small
 * segments make rolls, checkpoints and compaction happen all the time, so recovery from a compacted
 * log is exercised on every restart.
 */
class FileRaftStorageModelTest {
    private static final WalConfig CONFIG = WalConfig.DEFAULT.withSegmentBytesMax(4096).withChannelFactory(FaultyChannels.fast()).withZeroFillBytes(0);

    sealed interface Op {}
    record Append(int count, boolean newTerm, int dataBytes) implements Op {}
    record Truncate(int back) implements Op {}
    record SetHardState(int termBump, int vote) implements Op {}
    record SaveSnapshot(int offset, boolean matchesLog) implements Op {}
    record Sync() implements Op {}
    record Restart() implements Op {}
    record Crash(int tornBytes) implements Op {}

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> op = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Combinators.combine(Arbitraries.integers().between(1, 20), Arbitraries.of(true, false, false, false),
                        Arbitraries.integers().between(0, 300)).as(Append::new)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, 12).map(Truncate::new)),
                net.jqwik.api.Tuple.of(2, Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 5)).as(SetHardState::new)),
                net.jqwik.api.Tuple.of(2, Combinators.combine(Arbitraries.integers().between(0, 60), Arbitraries.of(true, true, false)).as(SaveSnapshot::new)),
                net.jqwik.api.Tuple.of(4, Arbitraries.just(new Sync())),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new Restart())),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 200).map(Crash::new)));
        return op.list().ofMinSize(1).ofMaxSize(80);
    }

    /** The pair under test and what a crash needs to know. */
    private static final class World {
        final Path dir;
        final NodeLoop loop = new NodeLoop();
        final MemoryRaftStorage memory = new MemoryRaftStorage();
        FileRaftStorage file;
        long term = 1;
        long syncId;
        List<Long> segmentsAtSync = List.of();
        long lastSegmentBytesAtSync;

        World(Path dir) throws Exception {
            this.dir = dir;
            file = FileRaftStorage.open(dir, CONFIG, loop, loop::onSynced);
        }

        void sync() throws Exception {
            long id = ++syncId;
            file.sync(id);
            loop.runUntil(() -> loop.synced.contains(id));
            memory.sync(id);
            memory.completeNextSync();
            segmentsAtSync = file.segmentFirstSeqs();
            // The data end, not the file size: a segment may hold zeros past its data (left by a crash
            // here, or filled ahead of writes), and unsynced appends land inside them.
            lastSegmentBytesAtSync = file.activeSegmentDataBytes();
        }

        void reopen() throws Exception {
            file = FileRaftStorage.open(dir, CONFIG, loop, loop::onSynced);
        }
    }

    @Property(tries = 150)
    void fileStorageReadsLikeTheReferenceThroughRestartsAndCrashes(@ForAll("ops") List<Op> ops) throws Exception {
        TempDirs.withTempDir(dir -> {
            World w = new World(dir);
            try {
                for (Op op : ops) {
                    apply(w, op);
                    assertSameState(w.memory, w.file);
                }
                w.sync();
                w.file.close();
                w.reopen();
                assertSameState(w.memory, w.file);
            } finally {
                w.file.close();
            }
        });
    }

    private static void apply(World w, Op op) throws Exception {
        MemoryRaftStorage m = w.memory;
        switch (op) {
            case Append a -> {
                if (a.newTerm()) w.term++;
                List<LogEntry> entries = new ArrayList<>();
                for (int i = 0; i < a.count(); i++) {
                    long index = m.lastIndex() + 1 + i;
                    byte[] data = new byte[a.dataBytes()];
                    java.util.Arrays.fill(data, (byte) index);
                    entries.add(new LogEntry(w.term, index, LogEntry.Kind.values()[(int) (index % 3)], data));
                }
                m.append(entries);
                w.file.append(entries);
            }
            case Truncate t -> {
                long index = Math.max(m.snapshot().index(), m.lastIndex() - t.back());
                m.truncateAfter(index);
                w.file.truncateAfter(index);
            }
            case SetHardState h -> {
                HardState state = new HardState(Math.max(1, m.hardState().term() + h.termBump()), h.vote());
                m.setHardState(state);
                w.file.setHardState(state);
            }
            case SaveSnapshot s -> {
                long index = m.snapshot().index() + 1 + s.offset();
                boolean inLog = index <= m.lastIndex();
                long term = s.matchesLog() && inLog ? m.term(index) : w.term + 1;
                Snapshot snapshot = new Snapshot(index, term, ClusterConfig.of(Set.of(1L, 2L, index % 5 + 3), Set.of()),
                        ("sm@" + index).getBytes());
                m.saveSnapshot(snapshot);
                w.file.saveSnapshot(snapshot);
            }
            case Sync s -> w.sync();
            case Restart r -> {
                w.sync();
                w.file.close();
                w.reopen();
            }
            case Crash c -> crash(w, c.tornBytes());
        }
    }

    /**
     * Loses every write since the last sync, leaving torn garbage behind. Exact only while no roll
     * happened since that sync (a roll fsyncs the old segment, keeping more than the reference does),
     * so otherwise the crash comes right after a sync.
     */
    private static void crash(World w, int tornBytes) throws Exception {
        if (w.segmentsAtSync.isEmpty() || !w.segmentsAtSync.equals(w.file.segmentFirstSeqs())) w.sync();
        w.file.close();
        w.memory.crash();
        Path last = w.dir.resolve(DataDirectory.segmentName(w.segmentsAtSync.getLast()));
        WalTesting.truncate(last, w.lastSegmentBytesAtSync);
        byte[] garbage = new byte[tornBytes];
        new java.util.Random(tornBytes).nextBytes(garbage);
        if (tornBytes % 2 == 0) java.util.Arrays.fill(garbage, (byte) 0);
        Files.write(last, garbage, StandardOpenOption.APPEND);
        w.reopen();
    }
}
