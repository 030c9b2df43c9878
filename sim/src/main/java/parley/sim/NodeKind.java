package parley.sim;

/**
 * What a registered process stands for, which decides the faults it is exposed to.
 */
public enum NodeKind {
    /**
     * A server of the system under test: the nemesis may crash, pause, partition it, drift its clock
     * and break its disk, and its links suffer loss, duplication and latency spikes.
     */
    SERVER,
    /**
     * A simulated client or observer: the nemesis never crashes, pauses or clock-faults it, and its
     * links see only the base latency (no loss, duplication or delay spikes). Partitions built by the
     * helpers in {@link Partition} never include it; an explicit {@link SimNetwork#block} still applies.
     */
    CLIENT
}
