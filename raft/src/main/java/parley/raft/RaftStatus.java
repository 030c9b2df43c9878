package parley.raft;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one node believes, for traces, timelines and {@code cluster status}.
 *
 * @param nodeId        this node
 * @param term          its current term
 * @param role          its role in that term
 * @param leaderId      the leader it knows of, 0 when none
 * @param votedFor      whom it voted for in {@code term}, 0 when nobody
 * @param commitIndex   highest index known committed
 * @param appliedIndex  highest index applied to the state machine
 * @param lastIndex     last index in its log (synced or not)
 * @param durableIndex  last index known synced
 * @param snapshotIndex index of its latest snapshot (0 when none)
 * @param config        the configuration in force (the last one appended)
 * @param peers         per-peer replication progress, only when leader, by node id
 */
public record RaftStatus(long nodeId, long term, RaftRole role, long leaderId, long votedFor, long commitIndex,
                         long appliedIndex, long lastIndex, long durableIndex, long snapshotIndex,
                         ClusterConfig config, Map<Long, PeerStatus> peers) {
    public RaftStatus {
        peers = Collections.unmodifiableMap(new TreeMap<>(peers));
    }

    /**
     * A leader's view of one follower.
     *
     * @param matchIndex      highest index known replicated (durably) on it
     * @param nextIndex       next index to send
     * @param state           PROBE, REPLICATE or SNAPSHOT
     * @param lastContactNs   the leader's clock when it last heard from it
     * @param inflightAppends pipelined appends not yet acknowledged
     */
    public record PeerStatus(long matchIndex, long nextIndex, String state, long lastContactNs, int inflightAppends) {}

    @Override
    public String toString() {
        return "n" + nodeId + " " + role + " t=" + term + " lead=" + leaderId + " vote=" + votedFor
                + " commit=" + commitIndex + " applied=" + appliedIndex + " last=" + lastIndex
                + " durable=" + durableIndex + " snap=" + snapshotIndex + " " + config
                + (peers.isEmpty() ? "" : " peers=" + peers);
    }
}
