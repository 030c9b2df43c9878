package parley.replica;

import java.util.ArrayList;
import java.util.List;
import parley.raft.ClusterConfig;

/**
 * Watches the Raft configuration a replica applies: tells the observer about every member a final
 * (non-joint) configuration dropped, and answers member removals once the final configuration
 * without that member is in force here.
 */
final class ConfigChanges {
    private record Waiter(long removedId, Reply<ClusterConfig> reply) {}

    /** Removals waiting at once; more are refused as busy (a removal is one change at a time anyway). */
    static final int WAITERS_MAX = 64;

    private final List<Waiter> waiters = new ArrayList<>();
    private final ReplicaObserver observer;
    private ClusterConfig last;

    ConfigChanges(ReplicaObserver observer) {
        this.observer = observer;
    }

    /** Whether another removal may wait. */
    boolean full() {
        return waiters.size() >= WAITERS_MAX;
    }

    /** Answers {@code reply} once a final configuration without {@code removedId} is applied. */
    void awaitRemoval(long removedId, Reply<ClusterConfig> reply) {
        waiters.add(new Waiter(removedId, reply));
    }

    /** Fails every waiting removal with {@code error} (the replica is closing). */
    void failAll(ReplicaError error) {
        List<Waiter> failed = new ArrayList<>(waiters);
        waiters.clear();
        failed.forEach(waiter -> waiter.reply().failed(error));
    }

    /** The configuration as of the replica's latest event. */
    void observe(ClusterConfig config) {
        if (config.isJoint()) return; // only a final configuration has removed anyone
        if (last != null && !config.equals(last)) {
            for (long id : last.members()) {
                if (!config.members().contains(id)) observer.onMemberRemoved(id);
            }
        }
        last = config;
        if (!waiters.isEmpty()) {
            waiters.removeIf(waiter -> {
                if (config.members().contains(waiter.removedId())) return false;
                waiter.reply().ok(config);
                return true;
            });
        }
    }
}
