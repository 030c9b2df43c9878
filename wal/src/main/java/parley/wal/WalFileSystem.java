package parley.wal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Every file-system operation of the write-ahead log and its snapshot files, behind one seam: the
 * real file system in the server ({@link #REAL}), a simulated one (lost unsynced writes, torn
 * writes, lost directory entries, failed fsyncs) in tests and in the simulator. The log never
 * touches {@code java.nio.file.Files} itself. A directory is fsynced as the operating system does it:
 * a channel opened on the directory and forced (so the channel seam sees it too).
 */
public interface WalFileSystem {
    /** The operating system's file system. */
    WalFileSystem REAL = new RealWalFileSystem();

    /** Creates {@code dir} if missing; fails with a message naming it when it is unusable. */
    void prepareDirectory(Path dir) throws IOException;

    /** Names of the entries of {@code dir}, sorted. */
    List<String> list(Path dir) throws IOException;

    /** Whether {@code path} names a regular file. */
    boolean isRegularFile(Path path);

    /** Opens {@code path} like {@link FileChannel#open(Path, Set, java.nio.file.attribute.FileAttribute[])}. */
    FileChannel open(Path path, Set<? extends OpenOption> options) throws IOException;

    /** Deletes {@code path}; durable only once its directory is fsynced (a channel on the directory, forced). */
    void delete(Path path) throws IOException;

    /** Renames {@code from} to {@code to} atomically, replacing {@code to}; durable only once the directory is fsynced. */
    void moveAtomically(Path from, Path to) throws IOException;

    /** Takes an exclusive lock on {@code dir}, so two storages never share one log; fails naming the holder's file. */
    Closeable lockDirectory(Path dir) throws IOException;
}
