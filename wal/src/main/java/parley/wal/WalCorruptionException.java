package parley.wal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Recovery found damage it must not paper over: a bad record with valid data after it, a bad record
 * in a segment that is not the last, a missing segment, or a snapshot file that fails its checksum.
 * The node must not start on such a log; the message names the file, the byte offset and the reason.
 */
public final class WalCorruptionException extends IOException {
    private final transient Path file;
    private final long offset;
    private final String reason;

    public WalCorruptionException(Path file, long offset, String reason) {
        super("write-ahead log corrupted: " + file + " at byte offset " + offset + ": " + reason
                + "; refusing to start rather than serve bad data");
        this.file = file;
        this.offset = offset;
        this.reason = reason;
    }

    /** The damaged file. */
    public Path file() {
        return file;
    }

    /** Byte offset in {@link #file()} where the damage starts. */
    public long offset() {
        return offset;
    }

    /** What is wrong, without the file and offset. */
    public String reason() {
        return reason;
    }
}
