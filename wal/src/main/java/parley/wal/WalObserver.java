package parley.wal;

import java.nio.file.Path;

/**
 * Hooks through which the server watches the log: fsync latency (for a histogram), torn tails cut at
 * recovery, and the failure that stops the log. Every method has a no-op default. Methods are called
 * on the log's own threads (the syncer, or the thread that opened or wrote to the log), so they must
 * be thread-safe and quick.
 */
public interface WalObserver {
    /** Observes nothing. */
    WalObserver NONE = new WalObserver() {};

    /**
     * One fsync of the active segment finished.
     *
     * @param latencyNs      how long {@code force} took
     * @param recordsCovered how many records became durable with it (the group-commit batch)
     */
    default void onFsync(long latencyNs, long recordsCovered) {}

    /** Recovery cut a torn tail of {@code bytesDropped} bytes off {@code segment} at {@code offset}. */
    default void onTornTail(Path segment, long offset, long bytesDropped) {}

    /** The log failed and accepts no more writes; called once. */
    default void onFailure(WalFailedException failure) {}
}
