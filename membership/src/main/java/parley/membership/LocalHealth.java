package parley.membership;

/**
 * Lifeguard's Local Health Multiplier: a saturating score in [0, max - 1]. Signs that this node itself
 * is the problem raise it (a probe that failed although helpers did not send the nacks they should have,
 * having to refute a suspicion about itself, a stalled timer); a successful probe lowers it. Probe
 * interval and probe timeout are multiplied by {@code score + 1}, so a slow node probes less often and
 * waits longer before it accuses anyone.
 */
final class LocalHealth {
    private final int max;
    private int score;

    /** {@code max} 1 disables local health: the multiplier stays 1. */
    LocalHealth(int max) {
        this.max = max;
    }

    void apply(int delta) {
        score = Math.max(0, Math.min(max - 1, score + delta));
    }

    int score() {
        return score;
    }

    /** The factor applied to the probe interval and the probe timeout. */
    long scale(long valueNs) {
        return valueNs * (score + 1);
    }
}
