package parley.harness;

import parley.raft.RaftMessage;

/**
 * Everything that crosses the simulated network in a Raft KV run: Raft's own messages between
 * servers, and the client protocol between simulated clients and servers.
 */
public sealed interface ClusterMessage {
    /** A Raft message between two servers. */
    record Raft(RaftMessage message) implements ClusterMessage {
        @Override public String toString() { return message.toString(); }
    }

    /**
     * A client's request. A retry of a write carries the same {@code clientId} and {@code sequence}, so
     * Raft's session table applies it at most once.
     */
    record Request(long requestId, long clientId, long sequence, ClientOp op) implements ClusterMessage {
        @Override public String toString() { return "Request{#" + requestId + " c" + clientId + "/" + sequence + " " + op + "}"; }
    }

    /** The server's answer to request {@code requestId}. */
    record Response(long requestId, Reply reply) implements ClusterMessage {
        @Override public String toString() { return "Response{#" + requestId + " " + reply + "}"; }
    }

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

        /** The request was rejected by the state machine (a bug in the workload or the store). */
        record Error(String message) implements Reply {}
    }
}
