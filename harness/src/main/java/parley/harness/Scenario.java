package parley.harness;

import java.util.List;
import parley.check.Event;
import parley.sim.Trace;

/**
 * One protocol's simulated world, as {@code parley sim} runs it: given a seed, build the world (nodes,
 * clients, the nemesis with the protocol's fault budget), run its phases (safety under faults, heal,
 * bounded liveness), judge it with the protocol's checkers, and report a {@link SeedOutcome}. The
 * suite ({@link SimSuite}), the seed table, replay by seed with {@code --trace} and saved histories
 * are the same for every scenario. The Raft KV store ({@link RaftKvSimulation}) is the first; the
 * byzantine and eventual keyspaces bring their own.
 */
public interface Scenario {
    /** A short name for reports ("raft-kv"). */
    String name();

    /** Runs {@code seed}, sending the event-by-event timeline to {@code trace}. Deterministic in the seed. */
    Run run(long seed, Trace trace);

    /** What one seed produced: its outcome and the client history its checker judged (empty if it keeps none). */
    interface Run {
        SeedOutcome outcome();

        List<Event> history();
    }
}
