package parley.sim;

/**
 * One scheduled happening in the world. A single mutable class for every kind keeps the queue
 * monomorphic and lets timers reuse their event object for the whole life of a process.
 */
final class Event {
    static final int DELIVER = 0;
    static final int TIMER = 1;
    static final int SYNC = 2;
    static final int ACTION = 3;

    /** Not in the queue. */
    static final int NOT_QUEUED = -1;

    final int kind;
    long timeNs;
    /** Insertion order: breaks ties between events at the same instant. */
    long seq;
    /** Position in the queue's heap, or {@link #NOT_QUEUED}. */
    int heapIndex = NOT_QUEUED;

    /** The node the event happens to (receiver, timer owner, syncing node); null for actions. */
    Node<?> node;
    /** DELIVER: the node that really sent the message (links are checked against it). */
    Node<?> sender;
    /** DELIVER: the sender id the receiver sees (differs from {@code sender.id} only when spoofed). */
    long claimedFromId;
    /** TIMER, SYNC, buffered DELIVER: the incarnation the event belongs to. */
    long incarnation;
    /** TIMER: timer id. SYNC: sync id. */
    long id;
    /** SYNC: the last disk operation the sync covers. */
    long diskOpSeq;
    /** DELIVER: the message. ACTION: the Runnable. */
    Object payload;
    /** Held back while its node was paused, and now replayed. */
    boolean replayed;
    /** Currently sitting in a paused node's buffer. */
    boolean buffered;

    Event(int kind) {
        this.kind = kind;
    }

    boolean queued() {
        return heapIndex != NOT_QUEUED;
    }
}
