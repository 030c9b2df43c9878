/**
 * The peer transport of the real server: how Raft messages (or any protocol's messages, through a
 * {@link parley.transport.MessageCodec}) travel between nodes over TCP, on Netty. The protocol cores
 * never see it; the server's runtime gives the core an {@code Env} whose {@code send} calls
 * {@link parley.transport.PeerTransport#send}, and feeds what the transport receives back into the core
 * on the node's event loop.
 *
 * <h2>Connections</h2>
 * Every node listens, and dials every peer in its table. A connection carries messages one way only,
 * from dialer to acceptor, so a pair of nodes uses two connections and nobody has to break the tie of
 * two nodes dialing each other at once. The dialer opens with a HELLO naming its protocol and codec
 * versions, its cluster id, its own node id and the node id it means to reach. The acceptor refuses
 * (with a REFUSAL frame that carries the reason, then closes) a dialer from another cluster, from a node
 * not in its peer table, speaking other versions, or expecting a different node at this address;
 * otherwise it answers with its own HELLO, which the dialer checks in turn: a peer address that reaches
 * the wrong node is detected on both ends and logged with the ids involved. TLS, when configured
 * ({@link parley.transport.PeerTls}), sits under this check, not instead of it.
 *
 * <h2>Sending</h2>
 * {@code send} puts the message on its peer's bounded queue and returns. The first message queued
 * after a flush schedules one flush task on the peer's Netty event loop; that task drains everything
 * queued into as few BATCH frames as the frame limit allows and flushes the socket once. Under load
 * many messages share one frame and one system call; when idle, a message goes out on the next loop
 * turn. A full queue drops new messages, counted by {@link parley.transport.DropReason}: Raft already
 * tolerates loss and retries, and a bound here keeps an unreachable peer from eating the heap. A lost
 * connection is redialed with exponential backoff and jitter ({@code reconnectBackoffMsMin} to
 * {@code reconnectBackoffMsMax}); queued messages wait for it.
 *
 * <h2>Receiving</h2>
 * The acceptor splits the stream into frames (a frame over {@code frameBytesMax} closes the connection
 * before its bytes are read), decodes each BATCH strictly, and hands it as one task to the delivery
 * executor, which calls the {@link parley.transport.MessageReceiver} once per message. When
 * {@code inboundBatchesPendingMax} batches wait on that executor, the connection stops reading until
 * it catches up, so a slow node pushes back on its senders through TCP instead of queueing without end.
 *
 * <h2>Wire format</h2>
 * All integers big-endian. A frame is a u32 body length and a body of at most {@code frameBytesMax}
 * bytes whose first byte is its type: HELLO, REFUSAL or BATCH (layouts in {@code FrameCodec}). A BATCH
 * is a u32 message count followed by the messages; a Raft message is a tag byte and fixed-width fields
 * ({@link parley.transport.RaftMessageCodec} has the table). Decoders check every length against the
 * bytes present before allocating and throw only {@link parley.transport.CodecException}, which names
 * the message type and field.
 *
 * <h2>Threads</h2>
 * A transport owns {@code ioThreads} Netty event loops (one by default). Each peer's outbound state is
 * confined to one loop, so it needs no locks; the queues are the only shared structure.
 * {@link parley.transport.TransportCounters} can be read from anywhere.
 */
package parley.transport;
