package parley.server;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import parley.etcdapi.EtcdBackendException;
import parley.etcdapi.EtcdErrors;
import parley.etcdapi.RequestDeadlines;
import parley.kv.KvCodec;
import parley.kv.KvCommand;
import parley.kv.KvResult;
import parley.replica.KvReplica;

/**
 * Forwards client requests from a follower to the leader over the peer transport, and answers
 * forwarded requests when this node leads. One hop only: if the leader moved meanwhile, the client
 * gets "not leader" and retries, as with etcd. Writes are never re-sent, so none applies twice.
 *
 * <p>An answer of any size comes back: one larger than {@link #REPLY_PART_BYTES} travels in parts,
 * each its own peer frame, and the follower joins them, so a range succeeds through a follower
 * exactly when it succeeds through the leader (a 6 MB answer used to exceed the 4 MiB frame limit,
 * be dropped by the leader's transport and time out on the follower). Parts share the peers'
 * connection with Raft's messages; a separate bulk lane is future work.
 */
final class Forwarder {
    private static final long FORWARD_TIMEOUT_MS = 7_000;
    /** Answers above this size travel in parts of this size: well within any peer frame limit. */
    static final int REPLY_PART_BYTES = 1 << 20;
    /** The most parts one answer may have: 2 GiB less a part, what one Java array (and one gRPC message) can hold. */
    static final int REPLY_PARTS_MAX = Integer.MAX_VALUE / REPLY_PART_BYTES - 1;

    private final RaftKvNode node;
    private final BiConsumer<Long, PeerMessage> send;
    private final AtomicLong requestIdNext = new AtomicLong(1);
    private final ConcurrentHashMap<Long, CompletableFuture<byte[]>> pending = new ConcurrentHashMap<>();
    /** Parts received so far of answers still pending; an entry goes when its request completes or times out. */
    private final ConcurrentHashMap<Long, byte[][]> partsReceived = new ConcurrentHashMap<>();

    /** Forwarded requests the leader never answered fail after {@link #FORWARD_TIMEOUT_MS}. */
    private final RequestDeadlines deadlines;

    Forwarder(RaftKvNode node, BiConsumer<Long, PeerMessage> send) {
        this.node = node;
        this.send = send;
        this.deadlines = new RequestDeadlines("parley-forward-deadlines-" + node.nodeId(), FORWARD_TIMEOUT_MS);
    }

    /** Stops the deadline sweeper. */
    void close() {
        deadlines.close();
    }

    CompletableFuture<KvResult> write(long leader, long groupId, KvCommand command, long routedAt) {
        return forward(leader, groupId, routedAt, PeerMessage.Kind.WRITE, KvCodec.encodeCommand(command)).thenApply(KvCodec::decodeResult);
    }

    CompletableFuture<KvResult> read(long leader, long groupId, KvCommand command, long routedAt) {
        return forward(leader, groupId, routedAt, PeerMessage.Kind.READ, KvCodec.encodeCommand(command)).thenApply(KvCodec::decodeResult);
    }

    CompletableFuture<Long> leaseTtl(long leader, long leaseId) {
        return forward(leader, KvReplica.DEFAULT_GROUP_ID, 0, PeerMessage.Kind.LEASE_TTL, ByteBuffer.allocate(8).putLong(leaseId).array())
                .thenApply(bytes -> ByteBuffer.wrap(bytes).getLong());
    }

    /** Asks the leader to remove {@code memberId}; completes with the member ids left. */
    CompletableFuture<java.util.Set<Long>> removeMember(long leader, long memberId) {
        return forward(leader, KvReplica.DEFAULT_GROUP_ID, 0, PeerMessage.Kind.MEMBER_REMOVE, ByteBuffer.allocate(8).putLong(memberId).array())
                .thenApply(Forwarder::decodeIds);
    }

    private static byte[] encodeIds(java.util.Set<Long> ids) {
        ByteBuffer out = ByteBuffer.allocate(8 * ids.size());
        ids.forEach(out::putLong);
        return out.array();
    }

    private static java.util.Set<Long> decodeIds(byte[] bytes) {
        java.util.Set<Long> ids = new java.util.TreeSet<>();
        ByteBuffer in = ByteBuffer.wrap(bytes);
        while (in.remaining() >= 8) ids.add(in.getLong());
        return ids;
    }

    private CompletableFuture<byte[]> forward(long leader, long groupId, long routedAt, PeerMessage.Kind kind, byte[] payload) {
        long requestId = requestIdNext.getAndIncrement();
        CompletableFuture<byte[]> future = new CompletableFuture<>();
        pending.put(requestId, future);
        future.whenComplete((result, error) -> {
            pending.remove(requestId);
            partsReceived.remove(requestId);
        });
        send.accept(leader, new PeerMessage.Forward(requestId, groupId, routedAt, kind, payload));
        return deadlines.bound(future);
    }

    /** A follower forwarded a request to this node. */
    void onForward(long from, PeerMessage.Forward request) {
        CompletableFuture<byte[]> answer = switch (request.kind()) {
            case WRITE -> node.write(request.groupId(), KvCodec.decodeCommand(request.payload()), request.routedAt()).thenApply(KvCodec::encodeResult);
            case READ -> node.read(request.groupId(), KvCodec.decodeCommand(request.payload()), false, request.routedAt())
                    .thenApply(KvCodec::encodeResult);
            case LEASE_TTL -> node.leaseRemainingTtlSeconds(ByteBuffer.wrap(request.payload()).getLong())
                    .thenApply(ttl -> ByteBuffer.allocate(8).putLong(ttl).array());
            case MEMBER_REMOVE -> node.removeMember(ByteBuffer.wrap(request.payload()).getLong())
                    .thenApply(config -> encodeIds(config.members()));
        };
        answer.whenComplete((result, error) -> {
            if (error != null) {
                send.accept(from, new PeerMessage.ForwardReply(request.requestId(), null, errorName(error)));
            } else if (result.length <= REPLY_PART_BYTES) {
                send.accept(from, new PeerMessage.ForwardReply(request.requestId(), result, null));
            } else {
                sendInParts(from, request.requestId(), result);
            }
        });
    }

    private void sendInParts(long to, long requestId, byte[] result) {
        int partCount = (int) ((result.length + (long) REPLY_PART_BYTES - 1) / REPLY_PART_BYTES);
        if (partCount > REPLY_PARTS_MAX) {
            send.accept(to, new PeerMessage.ForwardReply(requestId, null, "ERROR:parley: the answer holds " + result.length
                    + " bytes, more than one message can carry; ask for fewer keys (limit) or through the leader"));
            return;
        }
        for (int part = 0; part < partCount; part++) {
            int from = part * REPLY_PART_BYTES;
            byte[] bytes = java.util.Arrays.copyOfRange(result, from, Math.min(result.length, from + REPLY_PART_BYTES));
            send.accept(to, new PeerMessage.ForwardReplyPart(requestId, part, partCount, bytes));
        }
    }

    /** A part of a large answer to a request this node forwarded; the last one to arrive completes it. */
    void onReplyPart(PeerMessage.ForwardReplyPart part) {
        CompletableFuture<byte[]> future = pending.get(part.requestId());
        if (future == null) return; // timed out already
        byte[][] parts = partsReceived.computeIfAbsent(part.requestId(), id -> new byte[part.partCount()][]);
        if (!pending.containsKey(part.requestId())) { // it timed out meanwhile: keep nothing for it
            partsReceived.remove(part.requestId());
            return;
        }
        byte[] joined;
        synchronized (parts) {
            if (parts.length != part.partCount() || parts[part.partIndex()] != null) return; // a confused sender: let it time out
            parts[part.partIndex()] = part.bytes();
            for (byte[] received : parts) {
                if (received == null) return;
            }
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            for (byte[] received : parts) out.writeBytes(received);
            joined = out.toByteArray();
        }
        partsReceived.remove(part.requestId());
        future.complete(joined);
    }

    /** The leader answered a request this node forwarded. */
    void onReply(PeerMessage.ForwardReply reply) {
        CompletableFuture<byte[]> future = pending.remove(reply.requestId());
        if (future == null) return; // timed out already
        if (reply.error() == null) {
            future.complete(reply.result());
        } else {
            future.completeExceptionally(errorFrom(reply.error()));
        }
    }

    private static String errorName(Throwable error) {
        Throwable cause = EtcdErrors.unwrap(error);
        return switch (cause) {
            case RaftKvNode.NotLeaderException notLeader -> "NOT_LEADER:" + notLeader.leaderId();
            case RaftKvNode.OutcomeUnknownException unknown -> "LEADER_CHANGED";
            case RaftKvNode.MemberNotFoundException notFound -> "MEMBER_NOT_FOUND";
            case EtcdBackendException noSpace when noSpace.reason() == EtcdBackendException.Reason.NO_SPACE -> "NO_SPACE:" + noSpace.detail();
            default -> "ERROR:" + cause.getMessage();
        };
    }

    private static RuntimeException errorFrom(String name) {
        if (name.startsWith("NOT_LEADER:")) {
            // The node we took for leader is not: report the leader it names, without a second hop.
            return new RaftKvNode.NotLeaderException(Long.parseLong(name.substring("NOT_LEADER:".length())));
        }
        if (name.equals("LEADER_CHANGED")) return new RaftKvNode.OutcomeUnknownException();
        if (name.equals("MEMBER_NOT_FOUND")) return new RaftKvNode.MemberNotFoundException(0);
        if (name.startsWith("NO_SPACE:")) {
            return new EtcdBackendException(EtcdBackendException.Reason.NO_SPACE, name.substring("NO_SPACE:".length()));
        }
        return new IllegalStateException(name.startsWith("ERROR:") ? name.substring(6) : name);
    }
}
