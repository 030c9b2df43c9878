package parley.transport;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Monotonic counters of one transport, safe to read from any thread while the transport runs; the
 * metrics endpoint exports them. Messages and bytes count batch frames only (handshakes are not
 * counted as traffic); a message counts as sent once the frame carrying it was written to the socket.
 */
public final class TransportCounters {
    private final LongAdder messagesSent = new LongAdder();
    private final LongAdder framesSent = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder messagesReceived = new LongAdder();
    private final LongAdder framesReceived = new LongAdder();
    private final LongAdder bytesReceived = new LongAdder();
    private final LongAdder connectAttempts = new LongAdder();
    private final LongAdder connectFailures = new LongAdder();
    private final LongAdder connectionsEstablished = new LongAdder();
    private final LongAdder reconnects = new LongAdder();
    private final LongAdder handshakesRefused = new LongAdder();
    private final LongAdder handshakesFailed = new LongAdder();
    private final LongAdder inboundErrors = new LongAdder();
    private final Map<DropReason, LongAdder> dropped = new EnumMap<>(DropReason.class);

    TransportCounters() {
        for (DropReason reason : DropReason.values()) dropped.put(reason, new LongAdder());
    }

    /** Messages in batch frames written to a socket. */
    public long messagesSent() { return messagesSent.sum(); }
    /** Batch frames written to a socket. */
    public long framesSent() { return framesSent.sum(); }
    /** Bytes of batch frames written, length fields included. */
    public long bytesSent() { return bytesSent.sum(); }
    /** Messages decoded from inbound batch frames. */
    public long messagesReceived() { return messagesReceived.sum(); }
    /** Inbound batch frames decoded. */
    public long framesReceived() { return framesReceived.sum(); }
    /** Bytes of inbound batch frames, length fields included. */
    public long bytesReceived() { return bytesReceived.sum(); }
    /** Outbound TCP connects started. */
    public long connectAttempts() { return connectAttempts.sum(); }
    /** Outbound connects that failed, timed out, or closed before their handshake completed. */
    public long connectFailures() { return connectFailures.sum(); }
    /** Outbound connections whose handshake succeeded. */
    public long connectionsEstablished() { return connectionsEstablished.sum(); }
    /** Outbound connections established to a peer that had been connected before. */
    public long reconnects() { return reconnects.sum(); }
    /** Inbound connections this node refused in the handshake (unknown node, wrong cluster, ...). */
    public long handshakesRefused() { return handshakesRefused.sum(); }
    /** Outbound handshakes that the peer refused or whose reply did not name the expected peer. */
    public long handshakesFailed() { return handshakesFailed.sum(); }
    /** Inbound connections closed for a protocol error: oversized or malformed frame. */
    public long inboundErrors() { return inboundErrors.sum(); }
    /** Messages dropped for {@code reason}. */
    public long dropped(DropReason reason) { return dropped.get(reason).sum(); }

    /** Messages dropped for any reason. */
    public long droppedTotal() {
        long total = 0;
        for (LongAdder count : dropped.values()) total += count.sum();
        return total;
    }

    void onFrameSent(int messages, int bytes) {
        messagesSent.add(messages);
        framesSent.increment();
        bytesSent.add(bytes);
    }

    void onFrameReceived(int messages, int bytes) {
        messagesReceived.add(messages);
        framesReceived.increment();
        bytesReceived.add(bytes);
    }

    void onDropped(DropReason reason, long messages) { dropped.get(reason).add(messages); }
    void onConnectAttempt() { connectAttempts.increment(); }
    void onConnectFailure() { connectFailures.increment(); }
    void onHandshakeRefused() { handshakesRefused.increment(); }
    void onHandshakeFailed() { handshakesFailed.increment(); }
    void onInboundError() { inboundErrors.increment(); }

    void onConnectionEstablished(boolean reconnect) {
        connectionsEstablished.increment();
        if (reconnect) reconnects.increment();
    }

    @Override
    public String toString() {
        return "TransportCounters{sent=" + messagesSent() + "/" + framesSent() + "f/" + bytesSent() + "B"
                + " received=" + messagesReceived() + "/" + framesReceived() + "f/" + bytesReceived() + "B"
                + " connects=" + connectAttempts() + " failures=" + connectFailures()
                + " established=" + connectionsEstablished() + " reconnects=" + reconnects()
                + " refused=" + handshakesRefused() + " handshakeFailed=" + handshakesFailed()
                + " inboundErrors=" + inboundErrors() + " dropped=" + droppedTotal() + "}";
    }
}
