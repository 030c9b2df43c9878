package parley.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import parley.sim.Trace;

/**
 * The simulation suite CI runs: the correct Raft KV under every fault, 500 seeds of a 5-node
 * cluster with 5 clients, each seed judged by the invariants, the linearizability checker, replica
 * agreement and the liveness bound.
 */
class SimulationSuiteTest {
    static final int CI_SEEDS = 500;

    @Test
    void fiveHundredSeedsOfFiveNodesUnderAllFaultsPass() {
        RunSpec spec = RunSpec.defaults().withOps(1000);
        List<Long> seeds = LongStream.rangeClosed(1, CI_SEEDS).boxed().toList();
        List<String> failures = new ArrayList<>();
        long[] ops = {0, 0};
        long[] faults = {0};
        long[] diskFailures = {0};
        long[] corruptions = {0};
        long[] wipes = {0};
        List<SeedOutcome> outcomes = new SimSuite(spec, Runtime.getRuntime().availableProcessors()).run(seeds, false, o -> {
            if (o.verdict().failed()) failures.add("seed " + o.seed() + ": " + o.verdict() + ": " + o.detail());
            ops[0] += o.opsOk();
            ops[1] += o.opsOk() + o.opsFail() + o.opsInfo();
            faults[0] += o.faultsTotal();
            diskFailures[0] += o.faultsInjected().getOrDefault(parley.sim.nemesis.FaultKind.DISK_FAILURE, 0L);
            corruptions[0] += o.faultsInjected().getOrDefault(parley.sim.nemesis.FaultKind.CORRUPT, 0L);
            wipes[0] += o.faultsInjected().getOrDefault(parley.sim.nemesis.FaultKind.WIPE, 0L);
        });
        assertEquals(CI_SEEDS, outcomes.size());
        assertEquals(List.of(), failures, "failing seeds (replay with ./parley sim --seeds N --trace)");
        // A suite that injects nothing or completes nothing proves nothing.
        assertTrue(faults[0] >= CI_SEEDS * 5L, "too few faults injected: " + faults[0]);
        // The storage faults reach the real log on the simulated file system.
        assertTrue(diskFailures[0] >= CI_SEEDS / 2, "too few disk failures injected: " + diskFailures[0]);
        // A run gets at most one of a corruption and a wipe (either leaves a node that votes no more for a while).
        assertTrue(corruptions[0] >= CI_SEEDS / 3, "too few disk corruptions injected: " + corruptions[0]);
        assertTrue(wipes[0] >= CI_SEEDS / 5, "too few wiped data directories: " + wipes[0]);
        assertTrue(ops[0] >= ops[1] * 0.8, "too few operations completed ok: " + ops[0] + " of " + ops[1]);
    }

    @Test
    void theLeaseAndCompactionChecksHaveSomethingToJudge() {
        // The lease check passes vacuously if no lease is ever refreshed or expires, and the watchers'
        // compaction path if no stream is ever ended by a compaction: count what 40 seeds gave them.
        RaftKvSimulation simulation = new RaftKvSimulation(RunSpec.defaults());
        long refreshes = 0;
        long expired = 0;
        long watchCompactions = 0;
        long watchResumes = 0;
        for (long seed = 1; seed <= 40; seed++) {
            RaftKvSimulation.Run run = simulation.runRecorded(seed, parley.sim.Trace.off());
            assertEquals(SeedOutcome.Verdict.PASS, run.outcome().verdict(), "seed " + seed + ": " + run.outcome().detail());
            refreshes += run.leases().refreshes();
            expired += run.leases().expired();
            watchCompactions += run.watchCompactions();
            watchResumes += run.watchResumes();
        }
        System.out.printf("lease check: %d acknowledged refreshes and %d expiries judged; %d watch streams reopened after a compaction;"
                + " %d watches held back for a slow reader and resumed; 40 seeds%n", refreshes, expired, watchCompactions, watchResumes);
        assertTrue(refreshes > 1_000, "lease holders refreshed: " + refreshes);
        assertTrue(expired > 0, "some leases expired (partitions, pauses) and were judged: " + expired);
        assertTrue(watchCompactions > 0, "some watch streams met a compaction and resumed past it: " + watchCompactions);
        assertTrue(watchResumes > 50, "watch streams were held back by slow readers and resumed: " + watchResumes);
    }

    @Test
    void theSimulatorsOwnJournalStillPasses() {
        // The default runs the server's write-ahead log on the simulated file system; the lighter
        // journal stays a choice (--storage journal), so keep it honest too.
        RunSpec spec = RunSpec.defaults().withOps(500).withStorage(RunSpec.Storage.JOURNAL);
        List<String> failures = new ArrayList<>();
        new SimSuite(spec, Runtime.getRuntime().availableProcessors()).run(LongStream.rangeClosed(1, 60).boxed().toList(), false, o -> {
            if (o.verdict().failed()) failures.add("seed " + o.seed() + ": " + o.verdict() + ": " + o.detail());
        });
        assertEquals(List.of(), failures, "failing seeds (replay with ./parley sim --storage journal --ops 500 --seeds N --trace)");
    }

    @Test
    void leaseReadsStayLinearizableUnderAllFaults() {
        // Leases trust bounded clock drift; the nemesis also drifts and jumps single clocks.
        RunSpec spec = RunSpec.defaults().withOps(500)
                .withLeaseReads(true);
        List<String> failures = new ArrayList<>();
        new SimSuite(spec, Runtime.getRuntime().availableProcessors()).run(LongStream.rangeClosed(1, 100).boxed().toList(), false, o -> {
            if (o.verdict().failed()) failures.add("seed " + o.seed() + ": " + o.verdict() + ": " + o.detail());
        });
        assertEquals(List.of(), failures, "failing seeds (replay with ./parley sim --lease-reads --ops 500 --seeds N --trace)");
    }

    @Test
    void sameSeedGivesByteIdenticalTraceAndDifferentSeedDoesNot() {
        RunSpec spec = RunSpec.defaults().withOps(200);
        RaftKvSimulation simulation = new RaftKvSimulation(spec);
        Trace.Recording first = Trace.recording();
        Trace.Recording again = Trace.recording();
        Trace.Recording other = Trace.recording();
        simulation.runRecorded(42, first);
        simulation.runRecorded(42, again);
        simulation.runRecorded(43, other);
        assertTrue(first.lines().size() > 1000, "a trace of a real run has many lines: " + first.lines().size());
        assertEquals(first.text(), again.text());
        assertNotEquals(first.text(), other.text());
    }
}
