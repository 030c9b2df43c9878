package parley.keyspace;

/** Where a client request goes: to one keyspace's group, or back to the client with the reason. */
public sealed interface Route {
    /** The request stays inside {@code keyspace}; its group answers it. */
    record To(Keyspace keyspace) implements Route {}

    /**
     * The request cannot be served as asked (it spans keyspaces, or its keyspace's mode cannot honour
     * it). etcd's API answers FAILED_PRECONDITION with {@code message}.
     */
    record Refused(String message) implements Route {}

    /** The keyspace is being created or dropped: nothing was done, and a retry soon will be served (UNAVAILABLE). */
    record Unavailable(String message) implements Route {}
}
