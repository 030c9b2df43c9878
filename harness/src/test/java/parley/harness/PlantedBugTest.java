package parley.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import parley.raft.HardState;
import parley.kv.LeaseClock;
import parley.raft.RaftNode;
import parley.replica.RaftNodeFactory;
import parley.sim.nemesis.FaultKind;

/**
 * Proof that the simulation suite catches real Raft bugs: each planted-bug variant (test code only)
 * must be caught by the simulator's invariants or the checkers within the CI seed budget, while the
 * correct Raft passes the same seeds (see {@link SimulationSuiteTest}).
 */
class PlantedBugTest {
    /** The CI budget: a planted bug must be caught within this many seeds. */
    private static final int SEED_BUDGET = 300;
    private static final Set<SeedOutcome.Verdict> CAUGHT_BY_CHECKS = EnumSet.of(SeedOutcome.Verdict.SAFETY_VIOLATION,
            SeedOutcome.Verdict.NOT_LINEARIZABLE, SeedOutcome.Verdict.REPLICAS_DIVERGED, SeedOutcome.Verdict.RUNAWAY);

    @Test
    void leaderThatCommitsBeforeAQuorumPersistedIsCaught() {
        // The leader counts an entry committed as soon as it appended it itself: acknowledged writes
        // then vanish when a new leader, which never saw them, overwrites them.
        assertCaught("commit before quorum", RunSpec.defaults().withOps(400), (config, env, storage, sm, listener) -> new RaftNode(config, env, storage, sm, listener) {
            @Override
            protected long quorumCommitIndex() {
                return status().lastIndex();
            }
        });
    }

    @Test
    void nodeThatForgetsItsVoteOnRestartIsCaught() {
        // Restarting with the term but without the vote lets a node vote twice in one term: two
        // leaders in the same term.
        // Found by a targeted nemesis, as Jepsen targets one fault at a time: in a 3-node cluster,
        // delayed vote requests reach a voter only after it restarted, and it votes again.
        RunSpec targeted = RunSpec.defaults().withNodes(3).withOps(200)
                .withFaults(EnumSet.of(FaultKind.DELAY, FaultKind.RESTART)).withFaultIntervalMs(50);
        assertCaught("forget vote on restart", targeted, (config, env, storage, sm, listener) -> new RaftNode(config, env, storage, sm, listener) {
            @Override
            protected HardState recoverHardState(HardState stored) {
                return new HardState(stored.term(), HardState.NO_VOTE);
            }
        });
    }

    @Test
    void deposedLeaderServingLocalReadsIsCaught() {
        // A leader cut off from the majority keeps answering reads from its own state, which no
        // longer includes the writes the new leader accepted: stale reads.
        // Clients that keep talking to a leader cut off from the majority read what it has; a
        // read-heavy mix gives them many chances before a write times out and moves them on.
        RunSpec readHeavy = RunSpec.defaults().withOps(400).withMix(90, 0)
                .withFaults(EnumSet.of(FaultKind.PARTITION, FaultKind.PAUSE, FaultKind.DELAY));
        assertCaught("reads without quorum confirmation", readHeavy, (config, env, storage, sm, listener) -> new RaftNode(config, env, storage, sm, listener) {
            @Override
            protected boolean readsNeedQuorumConfirmation() {
                return false;
            }
        });
    }

    @Test
    void followerThatAcknowledgesBeforeSyncIsCaught() {
        // Acknowledged entries are lost when the follower crashes before its fsync: a quorum
        // "had" an entry that no longer exists anywhere.
        assertCaught("ack before sync", RunSpec.defaults().withOps(400), (config, env, storage, sm, listener) -> new RaftNode(config, env, storage, sm, listener) {
            @Override
            protected boolean acknowledgeAppendBeforeSync() {
                return true;
            }
        });
    }

    @Test
    void newLeaderTakingLeaseDeadlinesFromItsFollowerClockIsCaught() {
        // A new leader should give every lease a full TTL from its own now. This one dates them from
        // the reading its clock had when it last became a follower, a time at which the holders'
        // later keep-alives were none of its business: their leases expire at once, long before the
        // TTL the holders were promised has passed on any clock.
        assertCaught("lease expiry from a follower's clock", RunSpec.defaults().withOps(400).withLeaseClocks((leases, retryNs) -> new LeaseClock(leases, retryNs) {
            private long followerSinceNs;

            @Override
            public void onBecameFollower() {
                super.onBecameFollower();
                followerSinceNs = lastNowNs;
            }

            @Override
            public void onBecameLeader(long nowNs) {
                super.onBecameLeader(Math.min(nowNs, followerSinceNs));
            }

            private long lastNowNs;

            @Override
            public java.util.List<Long> expired(long nowNs, int max) {
                lastNowNs = nowNs;
                return super.expired(nowNs, max);
            }

            @Override
            public long keepAlive(long id, long nowNs) {
                lastNowNs = nowNs;
                return super.keepAlive(id, nowNs);
            }
        }));
    }

    @Test
    void wipedNodeThatVotesBeforeCatchingUpIsCaught() {
        // A node restarted on a wiped disk forgets that it lost its state: it starts empty like a new
        // member and votes as soon as the leader's configuration reaches it, before it holds what it
        // had acknowledged. A stale candidate can then win with its vote and overwrite committed entries.
        RunSpec targeted = RunSpec.defaults().withNodes(3).withOps(300)
                .withFaults(EnumSet.of(FaultKind.WIPE, FaultKind.CRASH, FaultKind.LOSS, FaultKind.PARTITION)).withFaultIntervalMs(100);
        assertCaught("wiped node votes before catching up", targeted, (config, env, storage, sm, listener) -> new RaftNode(config, env, storage, sm, listener) {
            @Override
            public void join() {
                // forgets to mark itself catching up: votes as soon as it learns the configuration
            }
        });
    }

    @Test
    void hostThatForgetsItsTombstonesOnRestartIsCaught() {
        // Destroyed groups are remembered in memory only: after a restart the node may replay an older
        // registry (the metadata group re-applies its log), reopen a dropped keyspace's group afresh and
        // hand it messages. The ledger remembers, across crashes, what each node destroyed, and checks at
        // every restart that the node's host still holds those tombstones.
        // Without wipes: a wiped node legitimately forgets what it destroyed, with the rest of its disk.
        RunSpec restarts = RunSpec.defaults().withOps(400).withFaults(EnumSet.complementOf(EnumSet.of(FaultKind.WIPE)));
        SeedOutcome caught = assertCaught("tombstones lost on restart", restarts.withTombstones(RunSpec.Tombstones.LOST_ON_RESTART));
        // Caught by the destroyed-group check, not by some other failure the bug led to.
        assertTrue(caught.detail().contains("destroyed group"), caught.detail());
    }

    private static void assertCaught(String bug, RunSpec faults, RaftNodeFactory buggy) {
        assertCaught(bug, faults.withRaftFactory(buggy));
    }

    @Test
    void aTwinOfAServerIsCaught() {
        // A twin shares a server's identity and speaks for it independently (Twins): it can vote twice
        // in a term or answer from a log the other never had. Raft does not claim to survive that; the
        // checks must see it rather than pass the run.
        RunSpec twins = RunSpec.defaults().withNodes(3).withOps(300).withTwins(1)
                .withFaults(EnumSet.of(FaultKind.PARTITION, FaultKind.RESTART)).withFaultIntervalMs(100);
        assertCaught("a twin of one server", twins);
    }

    @Test
    void quiescedFollowersThatIgnoreTheirWakeUpAreCaught() {
        // Idle groups quiesce; when the node-level failure detector suspects the leader's node, the
        // follower is woken to start an election. A follower that ignores it waits forever behind a
        // dead leader: caught by the liveness phase, which demands a leader in every group.
        SeedOutcome caught = assertCaught("quiesced followers never wake", RunSpec.defaults().withOps(400),
                (config, env, storage, sm, listener) -> new RaftNode(config, env, storage, sm, listener) {
                    @Override
                    public void wake() { }
                }, EnumSet.of(SeedOutcome.Verdict.LIVENESS_FAILURE));
        assertTrue(caught.detail().contains("has no leader") && caught.detail().contains("quiesced"), caught.detail());
    }

    private static SeedOutcome assertCaught(String bug, RunSpec faults, RaftNodeFactory buggy, Set<SeedOutcome.Verdict> verdicts) {
        return assertCaught(bug, faults.withRaftFactory(buggy), verdicts);
    }

    private static SeedOutcome assertCaught(String bug, RunSpec spec) {
        return assertCaught(bug, spec, CAUGHT_BY_CHECKS);
    }

    private static SeedOutcome assertCaught(String bug, RunSpec spec, Set<SeedOutcome.Verdict> verdicts) {
        List<Long> seeds = LongStream.rangeClosed(1, SEED_BUDGET).boxed().toList();
        List<SeedOutcome> outcomes = new SimSuite(spec, Runtime.getRuntime().availableProcessors()).run(seeds, true, o -> {});
        SeedOutcome last = outcomes.get(outcomes.size() - 1);
        if (!last.verdict().failed()) {
            fail("planted bug '" + bug + "' was not caught in " + SEED_BUDGET + " seeds");
        }
        System.out.printf("planted bug '%s' caught at seed %d (%d seeds run): %s: %s%n", bug, last.seed(), outcomes.size(),
                last.verdict(), last.detail().lines().findFirst().orElse(""));
        assertTrue(verdicts.contains(last.verdict()),
                "planted bug '" + bug + "' should be caught by a safety check, not as " + last.verdict() + ": " + last.detail());
        // The catch is reproducible: the same seed gives the same verdict.
        assertEquals(last.verdict(), new RaftKvSimulation(spec).run(last.seed()).verdict());
        return last;
    }
}
