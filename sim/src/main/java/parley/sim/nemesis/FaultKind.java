package parley.sim.nemesis;

/** The faults the {@link Nemesis} can inject. Each lasts a random duration and is then undone. */
public enum FaultKind {
    /** Cut links between servers; the shape is drawn from {@link NemesisConfig#partitionShapes()}. */
    PARTITION,
    /** Heavy message loss between servers. */
    LOSS,
    /** Messages between servers delivered twice. */
    DUPLICATE,
    /** A latency spike between servers: everything slow, much reordered. */
    DELAY,
    /** A server crashes (unsynced writes lost, or a random prefix kept) and restarts at the end. */
    CRASH,
    /** A server crashes and restarts almost at once: a process bounce. */
    RESTART,
    /** A server stalls (looks dead, is not) and resumes at the end. */
    PAUSE,
    /** A server's clock runs at a different rate for a while. */
    CLOCK_DRIFT,
    /** A server's clock jumps forward (never back); nothing to undo. */
    CLOCK_JUMP,
    /** A server crashes with the last write it had not synced torn on disk. */
    TORN_WRITE,
    /**
     * A bit flips in a durable record of one server, which is crashed so the restart finds it: the
     * node must refuse to start and stays failed. At most one server per run.
     */
    CORRUPT,
    /** A server's fsyncs become slow. */
    FSYNC_SLOW,
    /**
     * A server's disk fails under it while it runs: it fills up, or its fsyncs start failing. The node
     * must stop acknowledging and hand leadership away; at the end it is restarted, as by an operator
     * who freed space. Only for servers whose storage can fail (the real log on a simulated file system).
     */
    DISK_FAILURE,
    /**
     * A server loses its whole data directory (an operator wipes it, a disk is replaced empty): it is
     * crashed and restarts at the end with nothing, and must rejoin without voting until it has caught
     * up. Only for servers whose storage can be wiped (the real log on a simulated file system).
     */
    WIPE
}
