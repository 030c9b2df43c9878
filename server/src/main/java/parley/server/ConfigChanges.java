package parley.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;
import parley.raft.ClusterConfig;

/**
 * Watches the Raft configuration a node applies, on the node's loop: tells a listener about every
 * member a final (non-joint) configuration dropped, and completes member removals once the final
 * configuration without that member is in force here.
 */
final class ConfigChanges {
    private record Waiter(long removedId, CompletableFuture<ClusterConfig> future) {}

    private final List<Waiter> waiters = new ArrayList<>();
    private volatile LongConsumer onMemberRemoved = id -> { };
    private ClusterConfig last;

    /** Called with each member id that an applied configuration change removed. */
    void onMemberRemoved(LongConsumer listener) {
        onMemberRemoved = listener;
    }

    /** Completes {@code future} once a final configuration without {@code removedId} is applied. */
    void awaitRemoval(long removedId, CompletableFuture<ClusterConfig> future) {
        waiters.add(new Waiter(removedId, future));
    }

    /** The configuration as of the node's latest event. */
    void observe(ClusterConfig config) {
        if (config.isJoint()) return; // only a final configuration has removed anyone
        if (last != null && !config.equals(last)) {
            for (long id : last.members()) {
                if (!config.members().contains(id)) onMemberRemoved.accept(id);
            }
        }
        last = config;
        if (!waiters.isEmpty()) {
            waiters.removeIf(waiter -> {
                if (config.members().contains(waiter.removedId())) return false;
                waiter.future().complete(config);
                return true;
            });
        }
    }
}
