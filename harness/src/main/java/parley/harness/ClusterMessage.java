package parley.harness;

import java.util.List;
import parley.raft.RaftMessage;

/**
 * Everything that crosses the simulated network in a Raft KV run: Raft's own messages between
 * servers, and the client protocol between simulated clients and servers.
 */
public sealed interface ClusterMessage {
    /** A Raft message between two servers' replicas of group {@code groupId}. */
    record Raft(long groupId, RaftMessage message) implements ClusterMessage {
        @Override public String toString() { return (groupId == parley.replica.KvReplica.DEFAULT_GROUP_ID ? "" : "g" + groupId + " ") + message; }
    }

    /**
     * A client's request. A retry of a write carries the same {@code clientId} and {@code sequence}, so
     * Raft's session table applies it at most once.
     */
    record Request(long requestId, long clientId, long sequence, ClientOp op) implements ClusterMessage {
        @Override public String toString() { return "Request{#" + requestId + " c" + clientId + "/" + sequence + " " + op + "}"; }
    }

    /**
     * A lease holder's request: grant a lease or keep it alive. Like a write, it carries the holder's
     * session ({@code clientId}, {@code sequence}), so a retry applies at most once.
     */
    record LeaseRequest(long requestId, long clientId, long sequence, LeaseOp op) implements ClusterMessage {
        @Override public String toString() { return "LeaseRequest{#" + requestId + " c" + clientId + "/" + sequence + " " + op + "}"; }
    }

    /** What a lease holder asks for. */
    sealed interface LeaseOp {
        long leaseId();

        record Grant(long leaseId, long ttlSeconds) implements LeaseOp {
            @Override public String toString() { return "grant L" + leaseId + " ttl=" + ttlSeconds + "s"; }
        }

        record KeepAlive(long leaseId) implements LeaseOp {
            @Override public String toString() { return "keepalive L" + leaseId; }
        }
    }

    /** The server's answer to request {@code requestId}. */
    record Response(long requestId, Reply reply) implements ClusterMessage {
        @Override public String toString() { return "Response{#" + requestId + " " + reply + "}"; }
    }

    /**
     * A watcher opens watch stream {@code streamId} on a server: every change to any key from
     * {@code startRevision} on, replayed from history first, then live.
     */
    record WatchCreate(long streamId, long startRevision) implements ClusterMessage {
        @Override public String toString() { return "WatchCreate{s" + streamId + " from=" + startRevision + "}"; }
    }

    /**
     * Message {@code seq} of watch stream {@code streamId}: changes in revision order, or (no changes)
     * a progress notice promising that no change at or below {@code revision} is still to come, or
     * the end of the stream ({@code compactRevision} set when history it needed was compacted away:
     * a new watch may start there).
     */
    record WatchEvents(long streamId, long seq, List<Change> changes, long revision, boolean canceled, String reason,
                       long compactRevision)
            implements ClusterMessage {
        public WatchEvents {
            changes = List.copyOf(changes);
        }

        @Override public String toString() {
            return "WatchEvents{s" + streamId + "#" + seq + " rev=" + revision + " n=" + changes.size()
                    + (changes.isEmpty() ? "" : " " + changes.get(0).revision() + ".." + changes.get(changes.size() - 1).revision())
                    + (canceled ? " canceled " + reason : "") + "}";
        }
    }

    /**
     * The watcher has read every message of stream {@code streamId} up to {@code seq}: the stream's
     * flow control, as a TCP window is (a server sends only so many messages ahead of this).
     */
    record WatchAck(long streamId, long seq) implements ClusterMessage {
        @Override public String toString() { return "WatchAck{s" + streamId + "#" + seq + "}"; }
    }

    /** An operator's request: a membership change or a leadership transfer. Only the leader acts on it. */
    record Admin(long requestId, AdminOp op) implements ClusterMessage {
        @Override public String toString() { return "Admin{#" + requestId + " " + op + "}"; }
    }

    /** A server's liveness ping: one per node pair and heartbeat interval (it wakes quiesced groups). */
    record NodePing(long bootId) implements ClusterMessage {}

    /** A server's answer to an {@link Admin} request: accepted, or why not. */
    record AdminReply(long requestId, boolean accepted, String detail) implements ClusterMessage {
        @Override public String toString() { return "AdminReply{#" + requestId + (accepted ? " accepted " : " refused ") + detail + "}"; }
    }

    /** What an operator may ask for. */
    sealed interface AdminOp {
        /** Hand leadership to {@code target}. */
        record Transfer(long target) implements AdminOp {}

        /** Make voter {@code nodeId} a learner (joint consensus), if enough voters remain. */
        record Demote(long nodeId) implements AdminOp {}

        /** Make learner {@code nodeId} a voter again (joint consensus). */
        record Promote(long nodeId) implements AdminOp {}

        /** Create keyspace {@code name} for keys starting with {@code prefix} (through the metadata group). */
        record CreateKeyspace(String name, String prefix) implements AdminOp {}

        /** Drop keyspace {@code name}: its group is destroyed on every node. */
        record DropKeyspace(String name) implements AdminOp {}
    }

    /** One change a watcher saw: {@code value} null for a delete. */
    record Change(long revision, String key, Long value) {}

    /** An operation on one register of the workload. */
    sealed interface ClientOp {
        String key();

        record Read(String key) implements ClientOp {
            @Override public String toString() { return "read " + key; }
        }

        record Write(String key, long value) implements ClientOp {
            @Override public String toString() { return "write " + key + "=" + value; }
        }

        /** Compare-and-set: sets {@code next} when the current value is {@code expected}. */
        record Cas(String key, long expected, long next) implements ClientOp {
            @Override public String toString() { return "cas " + key + " " + expected + "->" + next; }
        }
    }

    /** What a server can say about a request. */
    sealed interface Reply {
        /** Not the leader; try {@code leaderHint} (0: unknown). Nothing was done. */
        record NotLeader(long leaderHint) implements Reply {}

        /** The leader is overloaded or transferring leadership; nothing was done. */
        record Busy(String reason) implements Reply {}

        /** The proposal was accepted but leadership was lost before it applied: it may or may not apply. */
        record Unknown() implements Reply {}

        /** A read's result: the value, or null when the key is absent. */
        record ReadValue(Long value) implements Reply {}

        /** A write applied. */
        record Written() implements Reply {}

        /** A cas applied: {@code succeeded} tells whether the comparison held. */
        record CasResult(boolean succeeded) implements Reply {}

        /** A lease was granted or kept alive: it lives {@code ttlSeconds} more by the leader's clock. */
        record LeaseAlive(long ttlSeconds) implements Reply {}

        /** The lease does not exist (it expired, or its expiry is on its way through the log). */
        record LeaseNotFound() implements Reply {}

        /** The request was rejected by the state machine (a bug in the workload or the store). */
        record Error(String message) implements Reply {}
    }
}
