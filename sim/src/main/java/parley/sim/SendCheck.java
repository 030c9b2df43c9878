package parley.sim;

/**
 * An assertion run on every message a process sends, before the network sees it: the place for a
 * harness to check durability order ("a vote is sent only once the vote is durable"). Throw (for
 * example {@link parley.core.Check.InvariantViolation}) to fail the run.
 *
 * @param <M> the protocol's message type
 */
@FunctionalInterface
public interface SendCheck<M> {
    /** Called on each send by {@code from}; the sender's current disk is {@code fromDisk}. */
    void check(long from, long to, M message, SimDisk fromDisk);
}
