package parley.server;

import parley.raft.RaftMessage;

/**
 * What servers say to each other: Raft's messages, and client requests a follower forwards to the
 * leader (etcd clients may talk to any member) with the leader's answers. Commands and results travel
 * in the store's own binary encoding ({@link parley.kv.KvCodec}); and SWIM's membership gossip.
 */
public sealed interface PeerMessage {
    /** A Raft message between two replicas of group {@code groupId} (see {@link parley.host.ReplicaHost}). */
    record Raft(long groupId, RaftMessage message) implements PeerMessage {}

    /**
     * A client request forwarded to the leader of group {@code groupId}, routed by keyspace registry
     * revision {@code routedAt} (0: not routed).
     */
    record Forward(long requestId, long groupId, long routedAt, Kind kind, byte[] payload) implements PeerMessage {}

    /** The leader's answer to a forwarded request: a result, or the name of an error. */
    record ForwardReply(long requestId, byte[] result, String error) implements PeerMessage {}

    /**
     * One part of an answer too large for one frame ({@link Forwarder#REPLY_PART_BYTES}): the answer's
     * bytes split in {@code partCount} parts, of which this is number {@code partIndex} (from 0).
     */
    record ForwardReplyPart(long requestId, int partIndex, int partCount, byte[] bytes) implements PeerMessage {}

    /** A node's liveness ping (what wakes quiesced groups; see {@link parley.keyspace.NodeReplicas}). */
    record NodePing(long bootId) implements PeerMessage {}

    /** A SWIM membership message (failure detection and gossip; see {@link MembershipRuntime}). */
    record Swim(parley.membership.SwimMessage message) implements PeerMessage {}

    /** What a forwarded request asks for. */
    enum Kind {
        /** An encoded KvCommand to run through consensus. */
        WRITE,
        /** An encoded read-only KvCommand to answer linearizably. */
        READ,
        /** Eight bytes of lease id: how long the lease has left by the leader's clock. */
        LEASE_TTL,
        /** Eight bytes of member id to remove from the configuration; answered with the new voters. */
        MEMBER_REMOVE
    }
}
