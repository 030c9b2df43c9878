package parley.sim;

import parley.core.env.RandomSource;

/**
 * A byzantine node's hand on its own outgoing messages. The world passes every message a chosen node
 * sends through its adversary, which decides what actually leaves: the message as is, nothing (drop),
 * an altered message, several (duplicate), different messages to different nodes (equivocate), or
 * messages the node never wrote (forge), even claiming another sender ({@link Outbox#sendAs}) to test
 * that receivers authenticate messages rather than trust the transport.
 *
 * <p>Runs inside the sending process's callback, so it must not touch the world; it acts only through
 * the {@link Outbox}, whose messages go through the network like any other.
 *
 * @param <M> the protocol's message type
 */
@FunctionalInterface
public interface Adversary<M> {

    /** Decides what leaves when node {@code from} sends {@code message} to {@code to}. */
    void onSend(long from, long to, M message, Outbox<M> out);

    /** The honest behaviour: forward every message unchanged. */
    static <M> Adversary<M> honest() {
        return (from, to, message, out) -> out.send(to, message);
    }

    /** What an adversary can do. */
    interface Outbox<M> {
        /** Sends {@code message} to {@code to} from the adversarial node. */
        void send(long to, M message);

        /** Sends {@code message} to {@code to}, showing {@code claimedFrom} as the sender. */
        void sendAs(long claimedFrom, long to, M message);

        /** A random stream reserved for adversaries (split from the run's seed). */
        RandomSource random();

        /** The global virtual time. */
        long nowNs();
    }
}
