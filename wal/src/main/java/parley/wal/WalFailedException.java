package parley.wal;

/**
 * The log hit an I/O error on write or fsync (for example a full disk) and stopped: every later write
 * throws this, and no sync that was pending or is requested later ever completes. Nothing already
 * reported durable is lost; what was written but not yet reported durable may or may not survive.
 * The node must stop accepting writes. The log itself never recovers: recovery (reopening the log, at a
 * restart or in place) clears the state. After a write found the disk full ({@link #noSpace}) that is
 * safe as soon as there is room again: nothing reached the disk that recovery could misread. After a
 * failed fsync it is not (the kernel may have dropped the pages it could not write, yet read them back
 * from its cache), so the node stays failed until an operator restarts it.
 */
public final class WalFailedException extends RuntimeException {
    private final boolean noSpace;

    public WalFailedException(String reason, Throwable cause) {
        this(reason, cause, false);
    }

    public WalFailedException(String reason, Throwable cause, boolean noSpace) {
        super("write-ahead log failed: " + reason + "; the node stops accepting writes", cause);
        this.noSpace = noSpace;
    }

    /** Whether a write found the disk full (and nothing else failed): the log may be reopened once there is room. */
    public boolean noSpace() {
        return noSpace;
    }

    /** Whether {@code cause} is a full disk (ENOSPC), by its message: Java gives no error code. */
    public static boolean isNoSpace(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("No space left on device")) return true;
        }
        return false;
    }
}
