package parley.sim;

/** What happens to a node's unsynced disk writes when it crashes. */
public enum CrashMode {
    /** Every write not covered by a completed sync is lost. */
    LOSE_UNSYNCED,
    /**
     * A random prefix of the unsynced writes reached the platter and survives (possibly none, possibly
     * all); the rest are lost. Legal: those writes were never acknowledged.
     */
    KEEP_RANDOM_PREFIX,
    /**
     * Like {@link #KEEP_RANDOM_PREFIX} with at least one unsynced append kept, and the last kept append
     * torn: only some of its bytes reached the platter. Recovery must drop it silently. When there is no
     * unsynced append this degenerates to {@link #LOSE_UNSYNCED}.
     */
    TORN_TAIL
}
