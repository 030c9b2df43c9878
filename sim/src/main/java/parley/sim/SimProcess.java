package parley.sim;

import parley.core.env.Env;

/**
 * A process run by the simulated world: a protocol core (or a simulated client) wrapped so the world
 * can hand it events. The world calls exactly one method at a time, never re-entrantly: effects
 * requested through the {@link Env} (sends, timers) and the {@link SimDisk} (syncs) take effect later,
 * as events of their own.
 *
 * <p>A crash discards the object without warning; a restart creates a new one through the node's
 * {@link ProcessFactory} and calls {@link #onStart} with the surviving disk.
 *
 * @param <M> the protocol's message type
 */
public interface SimProcess<M> {

    /**
     * The process starts (first boot or restart). It should {@link SimDisk#recover() recover} its state
     * from {@code disk}; a {@link DiskCorruptionException} escaping this method makes the world mark the
     * node {@link NodeState#FAILED} instead of running it on bad data.
     */
    void onStart(Env<M> env, SimDisk disk);

    /** A message from node {@code from} arrived. */
    void onMessage(long from, M message);

    /** Timer {@code timerId} fired (armed through {@link Env#setTimer}). */
    void onTimer(int timerId);

    /**
     * The sync requested with {@link SimDisk#sync(long) sync(syncId)} completed: every write issued
     * before it is durable. Called only on the incarnation that requested it.
     */
    default void onSyncComplete(long syncId) {}
}
