package parley.sim;

/**
 * The harness's liveness predicate for the phase after the heal, e.g. "a client operation submitted
 * after the heal has completed" or "every node's commit index reached the leader's".
 */
@FunctionalInterface
public interface ProgressCheck {

    /** Whether the system has made the progress it must make once healed. */
    boolean progressed();

    /** Called once, right after the heal: record a baseline (e.g. operations completed so far). */
    default void onHealed(long nowNs) {}

    /** What progress looks like now, for the failure report (e.g. "3 of 5 nodes caught up"). */
    default String describe() {
        return "no progress";
    }
}
