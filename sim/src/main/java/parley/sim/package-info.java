/**
 * The deterministic simulated world in which Parley's protocol cores run under faults.
 *
 * <p><b>The story.</b> A {@link parley.sim.Simulation} owns virtual time and one queue of events,
 * ordered by time and then by the order they were scheduled. It pops an event, advances time to it,
 * and hands it to exactly one {@link parley.sim.SimProcess}: a message arrives, a timer fires, a disk
 * sync completes. The process reacts by asking its {@link parley.core.env.Env} for effects (send, arm a
 * timer) and its {@link parley.sim.SimDisk} for writes; none of these run now, each becomes a future
 * event. Nothing is ever delivered re-entrantly.
 *
 * <p><b>One seed.</b> All randomness comes from the seed in {@link parley.sim.SimConfig}, split into
 * independent streams: the network's, the nemesis's, the disks', the clocks', the adversaries', and one
 * per node (derived from the seed and the node id). There are no threads, no wall clock and no
 * iteration over identity-hashed collections, so the same seed yields the same run and the same
 * {@link parley.sim.Trace}, byte for byte. A failing seed is a bug report.
 *
 * <p><b>The faulty parts.</b>
 * <ul>
 *   <li>{@link parley.sim.SimNetwork}: random latency (hence reordering), loss, duplication,
 *       and partitions as blocked directed links, built by {@link parley.sim.Partition}
 *       (majority/minority, isolate, one-way, bridge).</li>
 *   <li>{@link parley.sim.SimDisk}: a journal that survives crashes; only synced writes are
 *       sure to; a crash may keep a prefix of unsynced writes and tear the last; records carry CRC32C
 *       so recovery drops a torn tail and reports corruption instead of returning it.</li>
 *   <li>{@link parley.sim.SimClock}: each node's clock drifts and may jump forward; timers fire by
 *       the node's own clock.</li>
 *   <li>Life cycle: nodes crash (process discarded), restart (fresh process, surviving disk), pause
 *       (events held back, delivered on resume) or fail for good (corrupt disk).</li>
 *   <li>{@link parley.sim.Adversary}: a byzantine node's control over what it sends.</li>
 * </ul>
 *
 * <p><b>Checked runs.</b> {@link parley.sim.PhasedRun} runs a safety phase in which a
 * {@link parley.sim.FaultInjector} (usually the {@link parley.sim.nemesis.Nemesis}) breaks things,
 * then heals everything and gives the system a bounded liveness phase to show progress, returning a
 * {@link parley.sim.RunResult} that carries the seed. Harness hooks: {@link parley.sim.SendCheck}
 * asserts durability order on every send, {@link parley.sim.Simulation#afterEachEvent} checks global
 * invariants, {@link parley.sim.Simulation#trace(long, String)} adds the harness's own lines.
 */
package parley.sim;
