package parley.etcdapi;

import parley.kv.WatchResponse;

/**
 * Where a backend delivers the responses of one watch. Called in order, never concurrently for the
 * same watch, from a backend thread: it must not block (the gRPC watch stream only hands the response
 * to the network).
 *
 * <p>Flow control: the answer says whether the sink can take more now. After {@code false} the
 * backend sends that watch nothing more (it holds a bounded buffer, then replays from history) until
 * the caller calls {@link WatchHandle#resume()}; a sink that never blocks always answers {@code true}.
 */
@FunctionalInterface
public interface WatchSink {
    /** Takes {@code response}; returns whether more may follow now. */
    boolean onResponse(WatchResponse response);
}
