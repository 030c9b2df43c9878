package parley.etcdapi;

import parley.kv.WatchResponse;

/**
 * Where a backend delivers the responses of one watch. Called in order, never concurrently for the
 * same watch, from a backend thread: it must not block (the gRPC watch stream only hands the response
 * to the network).
 */
@FunctionalInterface
public interface WatchSink {
    void onResponse(WatchResponse response);
}
