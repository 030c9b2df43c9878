package parley.sim;

/** The life-cycle state of a registered node, as the world sees it (the ground truth). */
public enum NodeState {
    /** Running: messages, timers and sync completions are delivered. */
    UP,
    /** Stalled (a long GC, a stuck disk): events are buffered and delivered on resume. */
    PAUSED,
    /** Crashed: the process is gone, its unsynced writes too; a restart brings up a fresh one. */
    DOWN,
    /** Refused to start because its disk is corrupt; permanently down, never restarted by a heal. */
    FAILED
}
