package parley.sim;

/**
 * Creates a fresh process for a node: at its first start and at every restart after a crash. The new
 * process knows nothing of its predecessor except what it reads back from its {@link SimDisk}.
 *
 * @param <M> the protocol's message type
 */
@FunctionalInterface
public interface ProcessFactory<M> {
    /** A new, not yet started process for node {@code nodeId}. */
    SimProcess<M> create(long nodeId);
}
