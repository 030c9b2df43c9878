package parley.etcdapi;

import java.util.concurrent.CompletableFuture;

/** The caller's grip on a watch started with {@link EtcdBackend#watch}. */
public interface WatchHandle {

    /** Ends the watch; a canceled response follows through the sink (none if it already ended). */
    void cancel();

    /**
     * Completes with a revision R once every event of this watch up to R has been handed to the sink,
     * so a progress notice for R promises the client nothing older is still to come (etcd's progress
     * notify). A watch still replaying history answers once it has caught up; an ended watch answers at
     * once with the current revision.
     */
    CompletableFuture<Long> progressRevision();

    /** The sink, which answered {@code false}, can take more: what the watch missed follows. Harmless otherwise. */
    void resume();
}
