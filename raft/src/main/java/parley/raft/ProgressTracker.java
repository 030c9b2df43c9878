package parley.raft;

import java.util.Collection;
import java.util.Collections;
import java.util.TreeMap;
import parley.core.Check;

/**
 * A leader's {@link Progress} for every other member of the configuration (voters, outgoing voters,
 * learners), in id order so that sends happen in the same order in every run.
 */
final class ProgressTracker {
    private final long selfId;
    private final int maxInflight;
    private final TreeMap<Long, Progress> peers = new TreeMap<>();

    ProgressTracker(long selfId, int maxInflight) {
        this.selfId = selfId;
        this.maxInflight = maxInflight;
    }

    /** Adds progress for new members (probing from {@code lastIndex + 1}) and drops departed ones. */
    void syncWith(ClusterConfig config, long lastIndex, long nowNs) {
        peers.keySet().retainAll(config.members());
        for (long id : config.members()) {
            if (id != selfId && !peers.containsKey(id)) {
                peers.put(id, new Progress(id, lastIndex + 1, maxInflight, nowNs));
            }
        }
        Check.that(!peers.containsKey(selfId), "leader tracks progress for itself");
        Check.that(peers.size() <= config.members().size(), "progress for non-members");
    }

    Progress get(long id) {
        return peers.get(id);
    }

    Collection<Progress> all() {
        return Collections.unmodifiableCollection(peers.values());
    }

    long matchIndex(long id) {
        Progress p = peers.get(id);
        return p == null ? 0 : p.matchIndex;
    }

    long readRoundAcked(long id) {
        Progress p = peers.get(id);
        return p == null ? 0 : p.readRoundAcked;
    }

    long lastContactNs(long id) {
        Progress p = peers.get(id);
        return p == null ? Long.MIN_VALUE : p.lastContactNs;
    }
}
