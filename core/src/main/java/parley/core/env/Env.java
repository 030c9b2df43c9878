package parley.core.env;

/**
 * Everything a protocol core may ask of the world that runs it. A core is a single-threaded object that
 * reacts to one event at a time (a message, a timer firing, a sync completing) and acts only through
 * this interface: it never blocks, sleeps, starts threads, opens files or sockets, reads the wall clock
 * or draws unseeded random numbers.
 *
 * <p>Two runtimes implement it: the simulator (virtual time, a seeded random source, a faulty network)
 * and the server (real clock, Netty, files). Because the core sees only this interface, the same
 * protocol code runs in both.
 *
 * @param <M> the protocol's message type (a sealed interface of records)
 */
public interface Env<M> {
    /** This node's id. */
    long nodeId();

    /**
     * This node's monotonic clock in nanoseconds. In simulation it may drift and jump; protocols must
     * only compare readings of their own node and never against another node's clock.
     */
    long nowNs();

    /** This node's seeded random source. */
    RandomSource random();

    /**
     * Sends {@code message} to node {@code to}. Delivery is not guaranteed: the message may be lost,
     * delayed, duplicated or reordered. Never delivered synchronously to the caller.
     */
    void send(long to, M message);

    /**
     * Arms timer {@code timerId} to fire after {@code delayNs} of this node's clock, replacing any
     * pending firing of the same id. The runtime calls the core's timer handler with the id.
     */
    void setTimer(int timerId, long delayNs);

    /** Disarms timer {@code timerId}; a no-op when it is not armed. */
    void cancelTimer(int timerId);

    /** Fault sites: on only in simulation, where the seed decides (see {@link Buggify}). */
    default Buggify buggify() {
        return Buggify.OFF;
    }
}
