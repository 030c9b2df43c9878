package parley.harness;

import java.util.Map;
import parley.sim.nemesis.FaultKind;

/**
 * The verdict on one seed, with the counts a reader needs to judge how hard the run was.
 *
 * @param seed            the seed that reproduces it
 * @param verdict         what the checks concluded
 * @param detail          for a failure: what went wrong (the invariant, the witness, the stuck progress)
 * @param opsOk           operations that completed ok
 * @param opsFail         operations that definitely did not take effect (failed cas)
 * @param opsInfo         operations whose outcome is unknown
 * @param faultsInjected  faults the nemesis injected, by kind
 * @param leaderElections distinct (term, leader) pairs
 * @param adminChanges    leadership transfers and membership changes a leader accepted from the operator
 * @param messages        messages sent in the run
 * @param events          simulator events processed
 * @param simulatedNs     simulated time the run covered
 * @param wallNs          wall time the run and its checks took
 * @param checkNs         wall time of the linearizability check alone
 */
public record SeedOutcome(long seed, Verdict verdict, String detail, int opsOk, int opsFail, int opsInfo,
                          Map<FaultKind, Long> faultsInjected, int leaderElections, int adminChanges, long messages, long events,
                          long simulatedNs, long wallNs, long checkNs) {
    /** The possible conclusions, from best to worst. */
    public enum Verdict {
        PASS,
        /** The checker ran out of budget: neither proven right nor wrong. */
        UNKNOWN,
        NOT_LINEARIZABLE,
        /** An always-on invariant (Raft's, the ledger's, the store's) was violated during the run. */
        SAFETY_VIOLATION,
        /** After the heal the cluster did not make progress within the bound. */
        LIVENESS_FAILURE,
        /** Replicas that applied the same log ended with different state. */
        REPLICAS_DIVERGED,
        /** A watcher missed, repeated or misordered a change, or saw one the store does not hold. */
        WATCH_BROKEN,
        /** The run blew its event budget: a message or timer storm. */
        RUNAWAY;

        public boolean failed() {
            return this != PASS;
        }
    }

    public long faultsTotal() {
        return faultsInjected.values().stream().mapToLong(Long::longValue).sum();
    }
}
