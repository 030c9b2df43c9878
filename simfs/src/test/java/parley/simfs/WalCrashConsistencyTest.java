package parley.simfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import parley.core.env.SplittableRandomSource;
import parley.raft.ClusterConfig;
import parley.raft.HardState;
import parley.raft.LogEntry;
import parley.raft.RaftStorage;
import parley.raft.Snapshot;
import parley.wal.FileRaftStorage;
import parley.wal.WalConfig;

/**
 * The real write-ahead log ({@link FileRaftStorage}) on a {@link SimFileSystem}, crashed at random
 * moments in every {@link SimFileSystem.CrashMode}: after recovery it must read exactly as it read
 * after some operation since its last completed sync (nothing synced lost, nothing invented, no
 * mixture; an unsynced append may survive in part, one record per entry). Recovery refusing to
 * start counts as a failure too. Two planted bugs, each a channel seam that drops one kind of fsync,
 * must fail it.
 */
class WalCrashConsistencyTest {
    private static final Path DIR = Path.of("/sim/n1");
    private static final int RUNS = 150;

    /** What a reader of the storage sees, compared whole. */
    record View(HardState hardState, long snapshotIndex, long snapshotTerm, List<String> entries) {}

    static View view(RaftStorage s) {
        List<String> entries = new ArrayList<>();
        for (long i = s.firstIndex(); i <= s.lastIndex(); i++) {
            LogEntry e = s.entry(i);
            entries.add(i + "/" + e.term() + "/" + e.kind() + "/" + Arrays.hashCode(e.data()));
        }
        return new View(s.hardState(), s.snapshot().index(), s.snapshot().term(), entries);
    }

    /** The node's loop, run by hand: tasks the storage hands it, and the sync completions they report. */
    static final class Loop {
        final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        final Set<Long> synced = java.util.concurrent.ConcurrentHashMap.newKeySet();

        void runUntilSynced(long syncId) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!synced.contains(syncId)) {
                Runnable task = tasks.poll();
                if (task != null) {
                    task.run();
                } else if (System.nanoTime() > deadline) {
                    fail("sync " + syncId + " never completed");
                } else {
                    Thread.onSpinWait(); // the syncer thread hands the completion over
                }
            }
        }
    }

    /** One random workload with crashes; returns the first inconsistency found, or null. */
    static String run(long seed, Channels planted) throws IOException {
        SplittableRandomSource random = new SplittableRandomSource(seed);
        SimFileSystem fs = new SimFileSystem(new SplittableRandomSource(seed * 31 + 7));
        WalConfig config = WalConfig.DEFAULT.withFileSystem(fs).withSegmentBytesMax(4096)
                .withZeroFillBytes(random.nextInt(2) == 0 ? 0 : 8192).withInlineSync(random.nextInt(2) == 0);
        if (planted != null) config = config.withChannelFactory((path, options) -> planted.open(fs, path, options));
        Loop loop = new Loop();
        FileRaftStorage storage = FileRaftStorage.open(DIR, config, loop.tasks::add, loop.synced::add);
        ArrayDeque<View> sinceSync = new ArrayDeque<>(List.of(view(storage)));
        long syncId = 0;
        long term = 1;
        try {
            for (int step = 0; step < 120; step++) {
                int op = random.nextInt(20);
                if (op < 9) {
                    if (random.nextInt(6) == 0) term++;
                    List<LogEntry> entries = new ArrayList<>();
                    for (int i = 0, n = 1 + random.nextInt(5); i < n; i++) {
                        byte[] data = new byte[random.nextInt(300)];
                        Arrays.fill(data, (byte) step);
                        entries.add(new LogEntry(term, storage.lastIndex() + 1 + i, LogEntry.Kind.COMMAND, data));
                    }
                    storage.append(entries);
                    // One record per entry: a crash may keep any prefix of an unsynced append.
                    View after = view(storage);
                    for (int keep = 1; keep < entries.size(); keep++) {
                        sinceSync.addLast(new View(after.hardState(), after.snapshotIndex(), after.snapshotTerm(),
                                after.entries().subList(0, after.entries().size() - entries.size() + keep)));
                    }
                } else if (op < 11) {
                    long floor = storage.snapshot().index();
                    storage.truncateAfter(Math.max(floor, storage.lastIndex() - random.nextInt(8)));
                } else if (op < 13) {
                    storage.setHardState(new HardState(Math.max(term, storage.hardState().term()) + random.nextInt(2), random.nextInt(4)));
                } else if (op < 14 && storage.lastIndex() > storage.snapshot().index()) {
                    long index = storage.snapshot().index() + 1 + random.nextInt((int) (storage.lastIndex() - storage.snapshot().index()));
                    storage.saveSnapshot(new Snapshot(index, storage.term(index), ClusterConfig.of(Set.of(1L, 2L, 3L), Set.of()),
                            ("state@" + index).getBytes()));
                } else if (op < 18) {
                    long id = ++syncId;
                    storage.sync(id);
                    loop.runUntilSynced(id);
                    sinceSync.clear();
                } else {
                    SimFileSystem.CrashMode mode = SimFileSystem.CrashMode.values()[random.nextInt(3)];
                    fs.crash(mode);
                    storage.close();
                    try {
                        storage = FileRaftStorage.open(DIR, config, loop.tasks::add, loop.synced::add);
                    } catch (IOException | RuntimeException e) {
                        storage = null;
                        return "seed " + seed + ", step " + step + ", crash " + mode + ": recovery refused: " + e.getMessage();
                    }
                    View recovered = view(storage);
                    List<View> allowed = new ArrayList<>(sinceSync);
                    if (!allowed.contains(recovered)) {
                        return "seed " + seed + ", step " + step + ", crash " + mode + ": recovered " + recovered
                                + " is none of the " + allowed.size() + " states since the last sync (first: " + allowed.getFirst() + ")";
                    }
                    sinceSync.clear();
                    sinceSync.add(recovered);
                    continue;
                }
                sinceSync.addLast(view(storage));
            }
            return null;
        } finally {
            if (storage != null) storage.close();
        }
    }

    @Test
    void recoveryAlwaysLandsOnAStateSinceTheLastSync() throws IOException {
        for (long seed = 1; seed <= RUNS; seed++) {
            String problem = run(seed, null);
            if (problem != null) fail(problem);
        }
    }

    @Test
    void aLogThatSkipsItsFdatasyncIsCaught() throws IOException {
        // A sync acknowledged without the fdatasync under it: file forces do nothing.
        assertCaught("sync acknowledged before its fdatasync", (fs, path, options) -> fs.isDirectoryPath(path)
                ? fs.open(path, options) : new NoForceChannel(fs.open(path, options)));
    }

    @Test
    void aLogThatUsesANewSegmentBeforeItsDirectoryIsFsyncedIsCaught() throws IOException {
        // A new segment's directory entry never made durable: directory fsyncs do nothing.
        assertCaught("new segment used before its directory fsync", (fs, path, options) -> fs.isDirectoryPath(path)
                ? new NoForceChannel(fs.open(path, options)) : fs.open(path, options));
    }

    /** Opens channels of the file system under test, possibly wrapped. */
    interface Channels {
        FileChannel open(SimFileSystem fs, Path path, Set<? extends java.nio.file.OpenOption> options) throws IOException;
    }

    private static void assertCaught(String bug, Channels planted) throws IOException {
        int caught = 0;
        String first = null;
        for (long seed = 1; seed <= RUNS; seed++) {
            String problem = run(seed, planted);
            if (problem != null) {
                caught++;
                if (first == null) first = problem;
            }
        }
        System.out.printf("planted bug '%s' caught in %d of %d runs; first: %s%n", bug, caught, RUNS, first);
        assertTrue(caught > 0, "planted bug '" + bug + "' was not caught in " + RUNS + " runs");
    }

    /** A channel whose force does nothing: the planted bugs. */
    static final class NoForceChannel extends FileChannel {
        private final FileChannel inner;

        NoForceChannel(FileChannel inner) {
            this.inner = inner;
        }

        @Override public int read(ByteBuffer dst) throws IOException { return inner.read(dst); }
        @Override public long read(ByteBuffer[] dsts, int offset, int length) throws IOException { return inner.read(dsts, offset, length); }
        @Override public int write(ByteBuffer src) throws IOException { return inner.write(src); }
        @Override public long write(ByteBuffer[] srcs, int offset, int length) throws IOException { return inner.write(srcs, offset, length); }
        @Override public long position() throws IOException { return inner.position(); }
        @Override public FileChannel position(long p) throws IOException { inner.position(p); return this; }
        @Override public long size() throws IOException { return inner.size(); }
        @Override public FileChannel truncate(long size) throws IOException { inner.truncate(size); return this; }
        @Override public void force(boolean metaData) { }
        @Override public int read(ByteBuffer dst, long at) throws IOException { return inner.read(dst, at); }
        @Override public int write(ByteBuffer src, long at) throws IOException { return inner.write(src, at); }
        @Override public long transferTo(long at, long count, WritableByteChannel target) throws IOException { return inner.transferTo(at, count, target); }
        @Override public long transferFrom(ReadableByteChannel src, long at, long count) throws IOException { return inner.transferFrom(src, at, count); }
        @Override public MappedByteBuffer map(MapMode mode, long at, long size) throws IOException { return inner.map(mode, at, size); }
        @Override public FileLock lock(long at, long size, boolean shared) throws IOException { return inner.lock(at, size, shared); }
        @Override public FileLock tryLock(long at, long size, boolean shared) throws IOException { return inner.tryLock(at, size, shared); }
        @Override protected void implCloseChannel() throws IOException { inner.close(); }
    }
}
