package parley.sim;

/**
 * Thrown when a run processes more events than its configured budget, or too many events without
 * virtual time advancing. Always a bug: a protocol in a livelock, a zero-delay timer re-armed forever,
 * or a harness that forgot to bound its run.
 */
public final class EventBudgetExceeded extends IllegalStateException {
    EventBudgetExceeded(String message) {
        super(message);
    }
}
