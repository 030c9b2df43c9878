package parley.replica;

/**
 * Where a replica answers one request: exactly one of the two methods is called, exactly once, on
 * the replica's thread (possibly within the call that made the request). The server turns it into
 * a future; the simulator into a message to the client.
 */
public interface Reply<T> {
    void ok(T value);

    void failed(ReplicaError error);
}
