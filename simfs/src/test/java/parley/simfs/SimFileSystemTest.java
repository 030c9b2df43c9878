package parley.simfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import parley.core.env.SplittableRandomSource;
import parley.raft.LogEntry;
import parley.wal.FileRaftStorage;
import parley.wal.WalConfig;

/** The durability rules of {@link SimFileSystem} itself, and the log's answers to its faults. */
class SimFileSystemTest {
    private static final Path DIR = Path.of("/sim/n1");
    private static final Set<StandardOpenOption> CREATE = Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);

    private final SimFileSystem fs = new SimFileSystem(new SplittableRandomSource(3));

    private static byte[] read(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) channel.size());
        channel.read(buffer, 0);
        return buffer.array();
    }

    private void fsyncDir() throws IOException {
        try (FileChannel dir = fs.open(DIR, Set.of(StandardOpenOption.READ))) {
            dir.force(true);
        }
    }

    @Test
    void forcedBytesSurviveACrashAndUnforcedOnesDoNot() throws IOException {
        fs.prepareDirectory(DIR);
        FileChannel file = fs.open(DIR.resolve("a"), CREATE);
        fsyncDir();
        file.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 0);
        file.force(false);
        file.write(ByteBuffer.wrap(new byte[] {4, 5}), 3);
        fs.crash(SimFileSystem.CrashMode.LOSE_UNSYNCED);
        assertArrayEquals(new byte[] {1, 2, 3}, read(fs.open(DIR.resolve("a"), Set.of(StandardOpenOption.READ))));
    }

    @Test
    void aNewFileWithoutADirectoryFsyncVanishesEvenIfItsBytesWereForced() throws IOException {
        fs.prepareDirectory(DIR);
        FileChannel file = fs.open(DIR.resolve("new"), CREATE);
        file.write(ByteBuffer.wrap(new byte[] {9}), 0);
        file.force(true);
        fs.crash(SimFileSystem.CrashMode.KEEP_RANDOM_PREFIX);
        assertFalse(fs.isRegularFile(DIR.resolve("new")));
        assertEquals(List.of(), fs.list(DIR));
    }

    @Test
    void aRenameWithoutADirectoryFsyncIsUndoneByACrash() throws IOException {
        fs.prepareDirectory(DIR);
        FileChannel file = fs.open(DIR.resolve("tmp"), CREATE);
        file.write(ByteBuffer.wrap(new byte[] {7}), 0);
        file.force(true);
        fsyncDir();
        fs.moveAtomically(DIR.resolve("tmp"), DIR.resolve("final"));
        assertTrue(fs.isRegularFile(DIR.resolve("final")));
        fs.crash(SimFileSystem.CrashMode.LOSE_UNSYNCED);
        assertEquals(List.of("tmp"), fs.list(DIR));
    }

    @Test
    void aTornWriteKeepsAPrefixOfTheLastWrite() throws IOException {
        fs.prepareDirectory(DIR);
        FileChannel file = fs.open(DIR.resolve("a"), CREATE);
        fsyncDir();
        file.force(false);
        byte[] big = new byte[4000];
        java.util.Arrays.fill(big, (byte) 5);
        file.write(ByteBuffer.wrap(big), 0);
        fs.crash(SimFileSystem.CrashMode.TORN_LAST);
        byte[] left = read(fs.open(DIR.resolve("a"), Set.of(StandardOpenOption.READ)));
        assertTrue(left.length < big.length, "at most a torn prefix survives: " + left.length);
        for (byte b : left) assertEquals(5, b);
    }

    @Test
    void aFullDiskFailsTheLogAndTheNodeKnows() throws IOException {
        WalConfig config = WalConfig.DEFAULT.withFileSystem(fs).withSegmentBytesMax(4096).withZeroFillBytes(0);
        FileRaftStorage storage = FileRaftStorage.open(DIR, config, Runnable::run, id -> { });
        fs.spaceLeft(100);
        storage.append(List.of(new LogEntry(1, 1, LogEntry.Kind.COMMAND, new byte[500])));
        assertNotNull(storage.failure(), "a write past the free space fails the log");
        assertTrue(storage.failure().getMessage().contains("No space left on device"), storage.failure().getMessage());
        storage.close();
    }

    @Test
    void aFailedFsyncFailsTheLogAndTheSyncIsNeverAcknowledged() throws IOException {
        WalConfig config = WalConfig.DEFAULT.withFileSystem(fs).withSegmentBytesMax(4096).withZeroFillBytes(0).withInlineSync(true);
        java.util.Set<Long> synced = new java.util.HashSet<>();
        java.util.ArrayDeque<Runnable> loop = new java.util.ArrayDeque<>();
        FileRaftStorage storage = FileRaftStorage.open(DIR, config, loop::add, synced::add);
        storage.append(List.of(new LogEntry(1, 1, LogEntry.Kind.COMMAND, new byte[10])));
        fs.failNextForces(1);
        storage.sync(1);
        for (Runnable task; (task = loop.poll()) != null; ) task.run();
        assertFalse(synced.contains(1L), "a sync whose fsync failed is never reported done");
        assertNotNull(storage.failure());
        storage.close();
    }

    @Test
    void directoryChannelsOnlyForce() throws IOException {
        fs.prepareDirectory(DIR);
        FileChannel dir = fs.open(DIR, Set.of(StandardOpenOption.READ));
        assertThrows(java.nio.channels.NonWritableChannelException.class, () -> dir.write(ByteBuffer.wrap(new byte[1])));
        dir.force(true);
        assertEquals(1, fs.forces());
    }

    @Test
    void aBitFlipOnReadChangesExactlyOneBitOfWhatWasRead() throws IOException {
        fs.prepareDirectory(DIR);
        FileChannel file = fs.open(DIR.resolve("a"), CREATE);
        byte[] data = new byte[64];
        file.write(ByteBuffer.wrap(data), 0);
        fs.flipBitsOnRead(1.0);
        byte[] read = read(file);
        int bits = 0;
        for (int i = 0; i < data.length; i++) bits += Integer.bitCount((read[i] ^ data[i]) & 0xff);
        assertEquals(1, bits, "one bit differs");
        assertEquals(1, fs.bitsFlipped());
        fs.flipBitsOnRead(0);
        assertArrayEquals(data, read(file), "the bytes on the disk are intact: the flip was in the read");
    }
}
