package parley.simfs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import parley.core.env.RandomSource;
import parley.wal.WalFileSystem;

/**
 * A file system in memory with the durability rules of a real one, at byte level, for running the
 * real write-ahead log under crashes:
 * <ul>
 *   <li>A file's writes are volatile until its channel is forced; a crash keeps what the last force
 *       covered and, depending on the {@link CrashMode}, none, a random prefix, or a torn prefix of
 *       the writes since (the last one cut short at a random byte).</li>
 *   <li>Creating, deleting and renaming are volatile until the directory is fsynced (a channel opened
 *       on the directory, forced): a crash brings back the directory as its last fsync left it. A
 *       new file whose directory was never fsynced disappears, whatever was forced into it.</li>
 *   <li>Faults on demand: the next fsync fails (EIO), writes fail once the disk is full (ENOSPC),
 *       reads flip a bit.</li>
 * </ul>
 * Paths are names only: nothing here touches the real disk. Thread-safe (the log's syncer thread
 * forces while the node's thread writes), and deterministic given its random source and the order
 * of calls.
 */
public final class SimFileSystem implements WalFileSystem {
    /** What a crash keeps of the writes since a file's last force. */
    public enum CrashMode {
        /** Nothing: the page cache is gone. */
        LOSE_UNSYNCED,
        /** A random prefix of the writes, each whole. */
        KEEP_RANDOM_PREFIX,
        /** A random prefix of the writes, the last of them cut short. */
        TORN_LAST
    }

    /** One file's contents: what is durable, and the writes since (growable buffers: appends stay cheap). */
    static final class Inode {
        final Buffer durable = new Buffer();
        final Buffer current = new Buffer();
        /** Writes and truncations since the last force, in order. */
        final List<Op> unsynced = new ArrayList<>();
        final boolean directory;

        Inode(boolean directory) {
            this.directory = directory;
        }
    }

    /** Bytes with a length, grown by doubling. */
    static final class Buffer {
        byte[] bytes = new byte[0];
        int length;

        void write(long position, byte[] data, int count) {
            int end = (int) Math.max(length, position + count);
            if (end > bytes.length) bytes = java.util.Arrays.copyOf(bytes, Math.max(end, bytes.length * 2));
            if (position > length) java.util.Arrays.fill(bytes, length, (int) position, (byte) 0);
            System.arraycopy(data, 0, bytes, (int) position, count);
            length = end;
        }

        void truncate(long size) {
            if (size < length) length = (int) size;
        }

        void apply(Op op, int count) {
            if (op.data() == null) truncate(op.position());
            else write(op.position(), op.data(), count);
        }

        void copyFrom(Buffer other) {
            bytes = java.util.Arrays.copyOf(other.bytes, Math.max(other.length, 16));
            length = other.length;
        }
    }

    /** A write ({@code data} at {@code position}) or a truncation ({@code data} null, to {@code position}). */
    record Op(long position, byte[] data) {}

    private final RandomSource random;
    /** Directories by path: entries now, and as of the directory's last fsync. */
    private final Map<Path, Map<String, Inode>> entries = new TreeMap<>();
    private final Map<Path, Map<String, Inode>> durableEntries = new TreeMap<>();
    private final Set<Path> locked = new HashSet<>();
    private long spaceLeftBytes = Long.MAX_VALUE;
    private int forcesToFail;
    private double bitFlipProbability;
    private long forces;
    private long bitsFlipped;

    public SimFileSystem(RandomSource random) {
        this.random = random;
    }

    // ---- faults ----

    /** The next {@code count} forces (file or directory) fail with an I/O error, as a failing disk's fsync does. */
    public synchronized void failNextForces(int count) {
        forcesToFail = count;
    }

    /** Writes that grow the files past {@code bytes} more fail with "No space left on device". */
    public synchronized void spaceLeft(long bytes) {
        spaceLeftBytes = bytes;
    }

    /** Bytes writes may still add before they fail with "No space left on device". */
    public synchronized long spaceLeftBytes() {
        return spaceLeftBytes;
    }

    /** Each read flips one bit with this probability (damage the log's checksums must catch). */
    public synchronized void flipBitsOnRead(double probability) {
        bitFlipProbability = probability;
    }

    public synchronized long forces() {
        return forces;
    }

    public synchronized long bitsFlipped() {
        return bitsFlipped;
    }

    /**
     * The machine loses power: every directory goes back to its last fsync, every file to its last
     * force plus what {@code mode} keeps of the writes since; locks and faults are cleared.
     */
    public synchronized void crash(CrashMode mode) {
        Set<Inode> seen = new HashSet<>();
        for (Map.Entry<Path, Map<String, Inode>> dir : durableEntries.entrySet()) {
            entries.put(dir.getKey(), new TreeMap<>(dir.getValue()));
            for (Inode inode : dir.getValue().values()) {
                if (seen.add(inode)) crashFile(inode, mode);
            }
        }
        locked.clear();
        forcesToFail = 0;
        spaceLeftBytes = Long.MAX_VALUE;
        bitFlipProbability = 0;
    }

    private void crashFile(Inode inode, CrashMode mode) {
        int keep = switch (mode) {
            case LOSE_UNSYNCED -> 0;
            case KEEP_RANDOM_PREFIX, TORN_LAST -> inode.unsynced.isEmpty() ? 0 : random.nextInt(inode.unsynced.size() + 1);
        };
        for (int i = 0; i < keep; i++) {
            Op op = inode.unsynced.get(i);
            boolean torn = i == keep - 1 && mode == CrashMode.TORN_LAST && op.data() != null && op.data().length > 1;
            // Torn: a prefix of the write reached the disk, the rest never did.
            inode.durable.apply(op, torn ? random.nextInt(op.data().length) : op.data() == null ? 0 : op.data().length);
        }
        inode.current.copyFrom(inode.durable);
        inode.unsynced.clear();
    }

    /** Everything is gone, as on a disk replaced by an empty one (the node is down meanwhile); faults are cleared. */
    public synchronized void wipe() {
        entries.clear();
        durableEntries.clear();
        locked.clear();
        forcesToFail = 0;
        spaceLeftBytes = Long.MAX_VALUE;
        bitFlipProbability = 0;
    }

    /** Whether {@code path} names a directory (opened to fsync it). */
    public synchronized boolean isDirectoryPath(Path path) {
        return entries.containsKey(path);
    }

    /**
     * A latent sector error: flips one random bit of the durable bytes of one random non-empty file
     * that {@code eligible} accepts (by name). Returns the file, or null when there is none.
     */
    public synchronized Path corruptRandomFile(java.util.function.Predicate<Path> eligible) {
        List<Path> candidates = new ArrayList<>();
        List<Inode> inodes = new ArrayList<>();
        for (Map.Entry<Path, Map<String, Inode>> dir : entries.entrySet()) {
            for (Map.Entry<String, Inode> e : dir.getValue().entrySet()) {
                if (e.getValue().durable.length > 0 && eligible.test(dir.getKey().resolve(e.getKey()))) {
                    candidates.add(dir.getKey().resolve(e.getKey()));
                    inodes.add(e.getValue());
                }
            }
        }
        if (candidates.isEmpty()) return null;
        int pick = random.nextInt(candidates.size());
        Inode inode = inodes.get(pick);
        int at = random.nextInt(inode.durable.length);
        byte mask = (byte) (1 << random.nextInt(8));
        inode.durable.bytes[at] ^= mask;
        if (at < inode.current.length) inode.current.bytes[at] ^= mask;
        return candidates.get(pick);
    }

    // ---- WalFileSystem ----

    @Override
    public synchronized void prepareDirectory(Path dir) {
        // Directories themselves are created durable (their parents' fsync is not modelled).
        entries.computeIfAbsent(dir, d -> new TreeMap<>());
        durableEntries.computeIfAbsent(dir, d -> new TreeMap<>());
    }

    @Override
    public synchronized List<String> list(Path dir) throws IOException {
        return new ArrayList<>(directory(dir).keySet());
    }

    @Override
    public synchronized boolean isRegularFile(Path path) {
        Map<String, Inode> dir = entries.get(path.getParent());
        Inode inode = dir == null ? null : dir.get(name(path));
        return inode != null && !inode.directory;
    }

    @Override
    public synchronized FileChannel open(Path path, Set<? extends OpenOption> options) throws IOException {
        if (entries.containsKey(path)) {
            return new SimFileChannel(this, path, null, false, true); // a directory, opened to fsync it
        }
        Map<String, Inode> dir = directory(path.getParent());
        Inode inode = dir.get(name(path));
        if (inode != null && options.contains(StandardOpenOption.CREATE_NEW)) throw new FileAlreadyExistsException(path.toString());
        if (inode == null) {
            if (!options.contains(StandardOpenOption.CREATE) && !options.contains(StandardOpenOption.CREATE_NEW)) {
                throw new NoSuchFileException(path.toString());
            }
            inode = new Inode(false);
            dir.put(name(path), inode);
        } else if (options.contains(StandardOpenOption.TRUNCATE_EXISTING) && options.contains(StandardOpenOption.WRITE)) {
            truncate(inode, 0);
        }
        return new SimFileChannel(this, path, inode, options.contains(StandardOpenOption.APPEND), false);
    }

    @Override
    public synchronized void delete(Path path) throws IOException {
        Map<String, Inode> dir = directory(path.getParent());
        if (dir.remove(name(path)) == null) throw new NoSuchFileException(path.toString());
    }

    @Override
    public synchronized void moveAtomically(Path from, Path to) throws IOException {
        Map<String, Inode> source = directory(from.getParent());
        Inode inode = source.remove(name(from));
        if (inode == null) throw new NoSuchFileException(from.toString());
        directory(to.getParent()).put(name(to), inode);
    }

    @Override
    public synchronized Closeable lockDirectory(Path dir) throws IOException {
        directory(dir);
        if (!locked.add(dir)) throw new IOException("data directory " + dir + " is in use by another storage (it is locked)");
        return () -> {
            synchronized (SimFileSystem.this) {
                locked.remove(dir);
            }
        };
    }

    // ---- for the channels ----

    synchronized int read(Inode inode, java.nio.ByteBuffer dst, long position) {
        if (position >= inode.current.length) return -1;
        int n = (int) Math.min(dst.remaining(), inode.current.length - position);
        int start = dst.position();
        dst.put(inode.current.bytes, (int) position, n);
        if (bitFlipProbability > 0 && n > 0 && random.nextDouble() < bitFlipProbability) {
            int at = start + random.nextInt(n);
            dst.put(at, (byte) (dst.get(at) ^ (1 << random.nextInt(8))));
            bitsFlipped++;
        }
        return n;
    }

    synchronized int write(Inode inode, java.nio.ByteBuffer src, long position) throws IOException {
        byte[] data = new byte[src.remaining()];
        long growth = Math.max(0, position + data.length - inode.current.length);
        if (growth > spaceLeftBytes) throw new IOException("No space left on device");
        spaceLeftBytes -= growth;
        src.get(data);
        inode.current.write(position, data, data.length);
        inode.unsynced.add(new Op(position, data));
        return data.length;
    }

    synchronized long size(Inode inode) {
        return inode.current.length;
    }

    synchronized void truncate(Inode inode, long size) {
        if (size >= inode.current.length) return;
        inode.current.truncate(size);
        inode.unsynced.add(new Op(size, null));
    }

    synchronized void force(Path path, Inode inode) throws IOException {
        if (forcesToFail > 0) {
            forcesToFail--;
            throw new IOException("Input/output error (simulated fsync failure of " + path + ")");
        }
        forces++;
        if (inode == null) {
            durableEntries.put(path, new TreeMap<>(directory(path)));
        } else {
            for (Op op : inode.unsynced) inode.durable.apply(op, op.data() == null ? 0 : op.data().length);
            inode.unsynced.clear();
        }
    }

    private Map<String, Inode> directory(Path dir) throws IOException {
        Map<String, Inode> d = entries.get(dir);
        if (d == null) throw new NoSuchFileException(String.valueOf(dir));
        return d;
    }

    private static String name(Path path) {
        return path.getFileName().toString();
    }
}
