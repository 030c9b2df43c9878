package parley.check;

import java.util.Objects;

/**
 * A history file that does not follow the format: names the file, the 1-based line and the reason,
 * so a user can open the file at the right place. The message reads {@code FILE:LINE: reason}.
 */
public final class HistoryFormatException extends Exception {
    private final String file;
    private final long line;
    private final String reason;

    /** A problem with line {@code line} (1-based) of {@code file}. */
    public HistoryFormatException(String file, long line, String reason) {
        super(file + ":" + line + ": " + reason);
        Invariant.check(line >= 1, "format errors name a 1-based line, got %d", line);
        this.file = Objects.requireNonNull(file, "file");
        this.line = line;
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** The file's display name (a path as given, or {@code <stdin>}). */
    public String file() {
        return file;
    }

    /** The 1-based line number of the offending line. */
    public long line() {
        return line;
    }

    /** What is wrong, without the file and line. */
    public String reason() {
        return reason;
    }
}
