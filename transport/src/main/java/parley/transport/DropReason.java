package parley.transport;

/** Why the transport discarded a message. Raft tolerates loss; the counts say where it happened. */
public enum DropReason {
    /** The peer's outbound queue was full (the peer is slow or unreachable). */
    QUEUE_FULL,
    /** The destination is not in the peer table. */
    UNKNOWN_PEER,
    /** The message alone would not fit in a frame of {@code frameBytesMax}. */
    MESSAGE_TOO_LARGE,
    /** The message was in a frame whose write failed because the connection broke. */
    CONNECTION_LOST,
    /** The peer was removed from the table while the message was queued. */
    PEER_REMOVED,
    /** The transport was closed while the message was queued, or before it was sent. */
    TRANSPORT_CLOSED,
    /** An inbound message was decoded but the delivery executor refused the task. */
    DELIVERY_REJECTED
}
