package parley.wal;

import java.nio.channels.FileChannel;
import java.nio.file.Path;

/** The segment being appended to. Mutated only under the log's lock. */
final class ActiveSegment {
    final Path path;
    final long firstSeq;
    final int salt;
    final FileChannel channel;
    /** Write position: bytes of intact data in the file. */
    long bytes;
    /** Records in this segment. */
    long records;
    /** End of the preamble; a segment is never rolled while it holds nothing past it. */
    long preambleEnd;
    /** The file is zero-filled up to here (at least {@link #bytes}): writes below it do not grow the file. */
    long zeroedEnd;

    ActiveSegment(Path path, long firstSeq, int salt, FileChannel channel, long bytes, long records) {
        this.path = path;
        this.firstSeq = firstSeq;
        this.salt = salt;
        this.channel = channel;
        this.bytes = bytes;
        this.records = records;
        this.preambleEnd = bytes;
        this.zeroedEnd = bytes;
    }
}
