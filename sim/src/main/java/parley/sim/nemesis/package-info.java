/**
 * The nemesis: a seeded fault scheduler that crashes, pauses, partitions, slows, skews and corrupts a
 * simulated cluster within stated bounds (a majority of servers stays up, at most one disk corrupted
 * per run), undoes each fault after a random duration, and heals everything on demand so a liveness
 * phase can follow. It uses only the public API of {@link parley.sim.Simulation}; a harness can inject
 * the same faults by hand.
 */
package parley.sim.nemesis;
