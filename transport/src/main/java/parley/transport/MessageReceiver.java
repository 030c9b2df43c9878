package parley.transport;

/**
 * Where inbound messages go. The transport calls it on the delivery executor given at construction,
 * in arrival order per sending peer when that executor runs one task at a time.
 *
 * @param <M> the protocol's message type
 */
@FunctionalInterface
public interface MessageReceiver<M> {
    /**
     * {@code message} arrived from node {@code from}, whose identity the handshake established.
     * Messages arriving in one frame are delivered in one executor task; if this method throws, the rest
     * of that frame's messages are lost (as if dropped by the network) and the exception propagates to
     * the executor.
     */
    void receive(long from, M message);
}
