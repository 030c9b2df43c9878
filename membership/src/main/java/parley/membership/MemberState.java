package parley.membership;

/**
 * What one node believes about a member. Only the member itself can leave {@link #SUSPECT} (by refuting
 * with a higher incarnation); {@link #DEAD} and {@link #LEFT} end a member's incarnation, and only an
 * ALIVE with a higher incarnation (a rejoin) brings it back. None of them removes the member from the
 * cluster configuration: that is decided through consensus (see the package documentation).
 */
public enum MemberState {
    ALIVE,
    /** Failed a probe (direct and indirect); declared DEAD unless it refutes before the suspicion timeout. */
    SUSPECT,
    /** Suspected for the whole suspicion timeout without refuting. */
    DEAD,
    /** Announced a graceful leave. */
    LEFT;

    /** DEAD or LEFT: not probed, not asked to help, a candidate for removal. */
    public boolean isDown() {
        return this == DEAD || this == LEFT;
    }
}
