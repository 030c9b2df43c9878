package parley.raft;

/**
 * The deterministic state machine that committed commands are applied to, in log order, on every
 * replica. It runs on the Raft node's thread and must not block or touch the outside world.
 */
public interface StateMachine {
    /**
     * Applies a committed command and returns its result (delivered to the waiting client, if any).
     *
     * @param index the log index of the command
     * @param command the command bytes
     */
    byte[] apply(long index, byte[] command);

    /** The full state as bytes, for a snapshot taken after the last applied index. */
    byte[] snapshot();

    /** Replaces the whole state with one previously produced by {@link #snapshot()}. */
    void restore(byte[] snapshot);
}
