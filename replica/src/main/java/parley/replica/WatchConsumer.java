package parley.replica;

import parley.kv.WatchResponse;

/**
 * Where a replica hands the responses of one watch, in order, on the replica's thread. Flow control
 * is the consumer's answer: {@code false} means "I hold as much as I should; send nothing more until
 * I call {@link KvReplica#resumeWatch}". The replica then stops handing out that watch's events (the
 * store's watch hub keeps a bounded buffer, then falls back to history), so a client that stops
 * reading costs bounded memory whatever the write rate. A consumer that answers {@code false} must
 * call {@code resumeWatch} later, once it can take more; otherwise the watch stays silent.
 */
@FunctionalInterface
public interface WatchConsumer {
    /** Takes {@code response}; returns whether more may follow now. Must not call back into the replica. */
    boolean offer(WatchResponse response);
}
