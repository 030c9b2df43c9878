package parley.wal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Set;

/**
 * Opens every file channel the write-ahead log uses: segments, snapshot files and the directory
 * itself (for its fsync). The seam exists so that tests can hand out channels that fail the way a
 * full or broken disk does (ENOSPC on write, EIO on fsync) at a chosen moment.
 */
@FunctionalInterface
public interface ChannelFactory {
    /** The real file system. */
    ChannelFactory DEFAULT = FileChannel::open;

    /** Opens {@code path} like {@link FileChannel#open(Path, Set, java.nio.file.attribute.FileAttribute[])}. */
    FileChannel open(Path path, Set<? extends OpenOption> options) throws IOException;
}
