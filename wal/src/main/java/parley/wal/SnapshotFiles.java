package parley.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32C;
import parley.raft.ClusterConfig;
import parley.raft.Snapshot;

/**
 * Snapshot files: {@code snap-<index 20 digits>-<term 20 digits>.snap}, holding
 * {@code [magic "PSNP" u32][version u16][reserved u16][index u64][term u64]
 * [voters: count u32, ids u64...][votersOutgoing: same][learners: same][data length u32][data]
 * [crc32c u32 of everything before]}. Written to {@code <name>.tmp}, fsynced, renamed into place and
 * the directory fsynced, so a snapshot file either is complete and durable or does not exist under
 * its final name.
 */
final class SnapshotFiles {
    static final String PREFIX = "snap-";
    static final String SUFFIX = ".snap";
    static final String TEMP_SUFFIX = ".tmp";
    private static final int MAGIC = 0x50534E50; // "PSNP"
    private static final short VERSION = 1;
    private static final int FIXED_BYTES = 4 + 2 + 2 + 8 + 8 + 3 * 4 + 4 + 4;

    /** Which snapshot a file holds. */
    record Id(long index, long term) {
        static final Id NONE = new Id(0, 0);

        String fileName() {
            return String.format("%s%020d-%020d%s", PREFIX, index, term, SUFFIX);
        }
    }

    private SnapshotFiles() {}

    /** The snapshot a file name stands for, or null when it is not a snapshot file name. */
    static Id parse(String name) {
        if (!name.startsWith(PREFIX) || !name.endsWith(SUFFIX)) return null;
        String[] parts = name.substring(PREFIX.length(), name.length() - SUFFIX.length()).split("-", -1);
        if (parts.length != 2 || parts[0].length() != 20 || parts[1].length() != 20) return null;
        if (!(parts[0] + parts[1]).chars().allMatch(Character::isDigit)) return null;
        try {
            return new Id(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static boolean isTemp(String name) {
        return name.endsWith(SUFFIX + TEMP_SUFFIX) && parse(name.substring(0, name.length() - TEMP_SUFFIX.length())) != null;
    }

    /** Writes {@code snapshot} durably (temp file, fsync, rename, directory fsync). */
    static void write(Path dir, Snapshot snapshot, WalConfig config) throws IOException {
        ChannelFactory channels = config.channelFactory();
        Id id = new Id(snapshot.index(), snapshot.term());
        Path target = dir.resolve(id.fileName());
        Path temp = dir.resolve(id.fileName() + TEMP_SUFFIX);
        ByteBuffer bytes = encode(snapshot);
        try (FileChannel channel = channels.open(temp, Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING))) {
            long at = 0;
            while (bytes.hasRemaining()) at += channel.write(bytes, at);
            channel.force(true);
        }
        config.fileSystem().moveAtomically(temp, target);
        DataDirectory.fsync(dir, channels);
    }

    /** Reads and verifies the snapshot {@code id}; a missing or damaged file is corruption. */
    static Snapshot read(Path dir, Id id, WalConfig config) throws IOException {
        ChannelFactory channels = config.channelFactory();
        Path path = dir.resolve(id.fileName());
        if (!config.fileSystem().isRegularFile(path)) {
            throw new WalCorruptionException(path, 0, "the snapshot file the log refers to is missing");
        }
        byte[] bytes;
        try (FileChannel channel = channels.open(path, Set.of(StandardOpenOption.READ))) {
            long size = channel.size();
            if (size > Integer.MAX_VALUE - 16) throw new WalCorruptionException(path, 0, "snapshot file of " + size + " bytes is too large");
            ByteBuffer buffer = ByteBuffer.allocate((int) size);
            while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) >= 0) {
                // keep reading
            }
            bytes = buffer.array();
        }
        return decode(path, id, bytes);
    }

    /** Deletes snapshot and temporary files except those in {@code keep}; returns what it deleted. */
    static List<Path> deleteAllExcept(Path dir, Set<Id> keep, WalFileSystem fileSystem) throws IOException {
        List<Path> deleted = new ArrayList<>();
        for (String name : fileSystem.list(dir)) {
            Id id = parse(name);
            if ((id != null && !keep.contains(id)) || isTemp(name)) {
                fileSystem.delete(dir.resolve(name));
                deleted.add(dir.resolve(name));
            }
        }
        return deleted;
    }

    private static ByteBuffer encode(Snapshot s) {
        ClusterConfig c = s.config();
        int members = c.voters().size() + c.votersOutgoing().size() + c.learners().size();
        ByteBuffer out = ByteBuffer.allocate(FIXED_BYTES + 8 * members + s.data().length);
        out.putInt(MAGIC).putShort(VERSION).putShort((short) 0).putLong(s.index()).putLong(s.term());
        for (Set<Long> ids : List.of(c.voters(), c.votersOutgoing(), c.learners())) {
            out.putInt(ids.size());
            for (long id : ids) out.putLong(id);
        }
        out.putInt(s.data().length).put(s.data());
        out.putInt(crc(out.array(), out.position()));
        return out.flip();
    }

    private static Snapshot decode(Path path, Id id, byte[] bytes) throws WalCorruptionException {
        if (bytes.length < FIXED_BYTES) throw new WalCorruptionException(path, 0, "snapshot file of " + bytes.length + " bytes is truncated");
        int end = bytes.length - 4;
        int stored = RecordFrame.getInt(bytes, end);
        if (stored != crc(bytes, end)) throw new WalCorruptionException(path, end, "snapshot file checksum mismatch");
        ByteBuffer in = ByteBuffer.wrap(bytes, 0, end);
        if (in.getInt() != MAGIC) throw new WalCorruptionException(path, 0, "not a snapshot file (bad magic)");
        short version = in.getShort();
        if (version != VERSION) throw new WalCorruptionException(path, 4, "unsupported snapshot format version " + version);
        in.getShort();
        long index = in.getLong();
        long term = in.getLong();
        if (index != id.index() || term != id.term()) {
            throw new WalCorruptionException(path, 8, "file holds the snapshot at index " + index + " term " + term + ", not the one its name says");
        }
        List<Set<Long>> sets = new ArrayList<>(3);
        for (int i = 0; i < 3; i++) {
            int count = in.getInt();
            if (count < 0 || count > in.remaining() / 8) throw new WalCorruptionException(path, in.position() - 4, "member count " + count + " runs past the end");
            Set<Long> ids = new java.util.TreeSet<>();
            for (int n = 0; n < count; n++) ids.add(in.getLong());
            sets.add(ids);
        }
        int dataBytes = in.getInt();
        if (dataBytes != in.remaining()) {
            throw new WalCorruptionException(path, in.position() - 4, "data length " + dataBytes + " disagrees with the file size (" + in.remaining() + " bytes left)");
        }
        byte[] data = new byte[dataBytes];
        in.get(data);
        try {
            return new Snapshot(index, term, new ClusterConfig(sets.get(0), sets.get(1), sets.get(2)), data);
        } catch (IllegalArgumentException e) {
            throw new WalCorruptionException(path, 0, "invalid cluster configuration: " + e.getMessage());
        }
    }

    private static int crc(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }
}
