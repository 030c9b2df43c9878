package parley.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/** Creating, reopening and deleting segment files; every creation and deletion is made durable. */
final class SegmentFiles {
    private static final System.Logger LOG = System.getLogger(SegmentFiles.class.getName());
    private static final Set<StandardOpenOption> OPEN_EXISTING = Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE);
    private static final Set<StandardOpenOption> CREATE =
            Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);

    private final Path dir;
    private final WalConfig config;

    SegmentFiles(Path dir, WalConfig config) {
        this.dir = dir;
        this.config = config;
    }

    Path path(long firstSeq) {
        return dir.resolve(DataDirectory.segmentName(firstSeq));
    }

    /** Creates a segment with its header, fsyncs it and the directory. */
    ActiveSegment create(long firstSeq) throws IOException {
        Path path = path(firstSeq);
        int salt = config.salts().getAsInt();
        FileChannel channel = config.channelFactory().open(path, CREATE);
        try {
            writeFully(channel, ByteBuffer.wrap(new SegmentHeader(firstSeq, salt).encode()), 0);
            channel.force(true);
            fsyncDirectory();
            return new ActiveSegment(path, firstSeq, salt, channel, SegmentHeader.BYTES, 0);
        } catch (IOException e) {
            closeQuietly(channel, e);
            throw e;
        }
    }

    /**
     * Reopens the last segment for appending, cutting its torn tail, and fsyncs it: what recovery read
     * may still sit only in the page cache (the previous process may have been killed before a sync),
     * yet the caller treats it as durable.
     */
    ActiveSegment reopen(WalRecovery.SegmentState last) throws IOException {
        FileChannel channel = config.channelFactory().open(last.path(), OPEN_EXISTING);
        try {
            long tornBytes = last.zeroTail() ? 0 : last.fileBytes() - last.validEnd();
            if (tornBytes > 0) {
                // Say what was found, not why: a torn write and a damaged last record look alike here.
                LOG.log(System.Logger.Level.WARNING, "{0}: the last {1} bytes (from offset {2}) do not form a whole record;"
                        + " cut them off. A crash in the middle of a write leaves such a tail. Had a record in them been"
                        + " acknowledged, the other members still hold it and send it again", last.path(), tornBytes, last.validEnd());
                channel.truncate(last.validEnd());
                config.observer().onTornTail(last.path(), last.validEnd(), tornBytes);
            }
            channel.force(true);
            fsyncDirectory();
            ActiveSegment segment = new ActiveSegment(last.path(), last.firstSeq(), last.salt(), channel, last.validEnd(), last.records());
            if (last.zeroTail()) segment.zeroedEnd = last.fileBytes();
            return segment;
        } catch (IOException e) {
            closeQuietly(channel, e);
            throw e;
        }
    }

    /** The last segment's creation was cut short by a crash (no valid header, nothing after it): write it again. */
    ActiveSegment recreate(WalRecovery.SegmentState last) throws IOException {
        LOG.log(System.Logger.Level.WARNING, "{0}: rewriting the header of a segment whose creation a crash interrupted ({1} bytes dropped)",
                last.path(), last.fileBytes());
        config.observer().onTornTail(last.path(), 0, last.fileBytes());
        config.fileSystem().delete(last.path());
        return create(last.firstSeq());
    }

    /** Deletes a segment and makes the deletion durable before returning. */
    void delete(long firstSeq) throws IOException {
        config.fileSystem().delete(path(firstSeq));
        fsyncDirectory();
    }

    void fsyncDirectory() throws IOException {
        DataDirectory.fsync(dir, config.channelFactory());
    }

    /** One mebibyte of zeros, shared (read-only use: only its duplicates' positions move). */
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(1 << 20);

    /** Writes zeros over {@code [from, to)} (real blocks, not a hole: fdatasync later finds them allocated). */
    static void writeZeros(FileChannel channel, long from, long to) throws IOException {
        for (long at = from; at < to; ) {
            ByteBuffer chunk = ZEROS.duplicate();
            chunk.limit((int) Math.min(chunk.capacity(), to - at));
            at += channel.write(chunk, at);
        }
    }

    static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) at += channel.write(buffer, at);
    }

    private static void closeQuietly(FileChannel channel, IOException failure) {
        try {
            channel.close();
        } catch (IOException suppressed) {
            failure.addSuppressed(suppressed);
        }
    }
}
