package parley.wal;

/**
 * The log hit an I/O error on write or fsync (for example a full disk) and stopped: every later write
 * throws this, and no sync that was pending or is requested later ever completes. Nothing already
 * reported durable is lost; what was written but not yet reported durable may or may not survive.
 * The node must stop accepting writes; only a restart (which runs recovery) clears the state.
 */
public final class WalFailedException extends RuntimeException {
    public WalFailedException(String reason, Throwable cause) {
        super("write-ahead log failed: " + reason + "; the node stops accepting writes", cause);
    }
}
