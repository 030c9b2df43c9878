package parley.sim.nemesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import parley.core.Check;
import parley.sim.NodeState;
import parley.sim.SimConfig;
import parley.sim.Simulation;
import parley.sim.toy.CounterNode;
import parley.sim.toy.ToyCluster;
import parley.sim.toy.ToyMessage;

class NemesisTest {
    private static final long SECOND_NS = 1_000_000_000L;

    private static NemesisConfig intense() {
        return NemesisConfig.defaults().withTiming(100_000_000L, 50_000_000L, SECOND_NS);
    }

    /**
     * Toy-protocol safety: announced values are durable (checked on send), and a restart never forgets
     * one (the returned check, to run after each event).
     */
    private static Runnable toyChecks(ToyCluster cluster) {
        Simulation<ToyMessage> world = cluster.world;
        Map<Long, Long> maxAnnounced = new java.util.TreeMap<>();
        world.setSendCheck((from, to, message, fromDisk) -> {
            if (message instanceof ToyMessage.Counter counter) {
                long durableMax = CounterNode.durableValues(fromDisk).stream().mapToLong(v -> v).max().orElse(0);
                Check.that(durableMax >= counter.value(), "n%d announces %d only once durable (durable max %d)",
                        from, counter.value(), durableMax);
                maxAnnounced.merge(from, counter.value(), Math::max);
            }
        });
        return () -> {
            for (long id : cluster.servers) {
                CounterNode node = cluster.node(id);
                if (node != null) {
                    Check.that(node.counter() >= maxAnnounced.getOrDefault(id, 0L),
                            "n%d never forgets an announced (durable) value", id);
                }
            }
        };
    }

    @Test
    void respectsBoundsAndHealRestoresEverything() {
        Map<FaultKind, Long> total = new EnumMap<>(FaultKind.class);
        for (long seed = 0; seed < 16; seed++) {
            ToyCluster cluster = new ToyCluster(SimConfig.defaults(seed), 5);
            Simulation<ToyMessage> world = cluster.world;
            Runnable toyChecks = toyChecks(cluster);
            Nemesis nemesis = new Nemesis(world, intense());
            assertEquals(2, nemesis.maxServersDown());
            world.afterEachEvent(() -> {
                toyChecks.run();
                Check.that(world.serversDown() <= 2, "at most a minority down");
            });
            nemesis.start();
            world.runFor(5 * SECOND_NS);
            nemesis.heal();

            assertEquals(List.of(), nemesis.activeFaults());
            assertEquals(0, world.network().blockedLinkCount());
            assertEquals(0.0, world.network().faultLossProbability());
            assertEquals(0.0, world.network().faultDuplicateProbability());
            assertEquals(0, world.network().faultDelayNsMax());
            for (long id : cluster.servers) {
                boolean corrupted = nemesis.corruptedServer().isPresent() && nemesis.corruptedServer().getAsLong() == id;
                assertEquals(corrupted ? NodeState.FAILED : NodeState.UP, world.state(id), "n" + id + " seed " + seed);
                assertEquals(0, world.disk(id).fsyncExtraLatencyNs());
                assertTrue(Math.abs(world.clock(id).driftPpm()) <= 200, "drift back to its baseline");
            }
            world.runFor(SECOND_NS);
            for (FaultKind kind : FaultKind.values()) {
                total.merge(kind, nemesis.injected(kind), Long::sum);
            }
        }
        for (FaultKind kind : FaultKind.values()) {
            // A disk failure needs a storage that can fail (the harness's real log); the toy has none.
            if (kind == FaultKind.DISK_FAILURE || kind == FaultKind.WIPE) {
                assertEquals(0, total.get(kind), "no disk failure or wipe where no storage can fail or be wiped");
                continue;
            }
            assertTrue(total.get(kind) > 0, "injected at least once: " + kind + " " + total);
        }
    }

    @Test
    void faultBudgetsFollowTheProtocolsTheyProtect() {
        assertEquals(java.util.List.of(0, 1, 1, 2, 3), java.util.stream.IntStream.of(1, 3, 4, 5, 7)
                .map(FaultBudget.CRASH_MINORITY::maxFaulty).boxed().toList(), "Raft: a minority");
        assertEquals(java.util.List.of(0, 0, 1, 1, 2), java.util.stream.IntStream.of(1, 3, 4, 5, 7)
                .map(FaultBudget.BYZANTINE_THIRD::maxFaulty).boxed().toList(), "BFT: f of 3f + 1");
        assertEquals(5, FaultBudget.UNLIMITED.maxFaulty(5));
        assertEquals(2, FaultBudget.atMost(2).maxFaulty(5));
        ToyCluster cluster = new ToyCluster(SimConfig.defaults(1), 7);
        assertEquals(2, new Nemesis(cluster.world, intense().withFaultBudget(FaultBudget.BYZANTINE_THIRD)).maxServersDown());
    }

    @Test
    void aHealMayLeaveServersDeadForGoodButNeverMoreThanAllowed() {
        int runsWithDead = 0;
        for (long seed = 0; seed < 24; seed++) {
            ToyCluster cluster = new ToyCluster(SimConfig.defaults(seed), 5);
            Simulation<ToyMessage> world = cluster.world;
            Nemesis nemesis = new Nemesis(world, intense().withDeadForGood(1));
            nemesis.start();
            world.runFor(2 * SECOND_NS);
            nemesis.heal();
            world.runFor(SECOND_NS);
            int down = world.serversDown();
            assertTrue(down <= 1, "seed " + seed + ": at most one server stays down after the heal, got " + down);
            if (down == 1) runsWithDead++;
        }
        assertTrue(runsWithDead > 0, "some runs left a server dead for good");
    }

    @Test
    void maxServersDownCanAllowEveryServerDown() {
        int mostDown = 0;
        for (long seed = 0; seed < 5 && mostDown < 5; seed++) {
            ToyCluster cluster = new ToyCluster(SimConfig.defaults(seed), 5);
            Simulation<ToyMessage> world = cluster.world;
            NemesisConfig config = NemesisConfig.defaults().withKinds(EnumSet.of(FaultKind.CRASH, FaultKind.PAUSE))
                    .withTiming(20_000_000L, SECOND_NS, 2 * SECOND_NS).withMaxServersDown(5);
            Nemesis nemesis = new Nemesis(world, config);
            int[] most = {0};
            world.afterEachEvent(() -> most[0] = Math.max(most[0], world.serversDown()));
            nemesis.start();
            world.runFor(3 * SECOND_NS);
            mostDown = Math.max(mostDown, most[0]);
        }
        assertEquals(5, mostDown);
    }

    @Test
    void atMostOneDiskIsCorruptedPerRun() {
        for (long seed = 0; seed < 8; seed++) {
            ToyCluster cluster = new ToyCluster(SimConfig.defaults(seed), 5);
            Simulation<ToyMessage> world = cluster.world;
            NemesisConfig config = NemesisConfig.defaults()
                    .withKinds(EnumSet.of(FaultKind.CORRUPT, FaultKind.CRASH, FaultKind.TORN_WRITE))
                    .withTiming(30_000_000L, 10_000_000L, 100_000_000L);
            Nemesis nemesis = new Nemesis(world, config);
            nemesis.start();
            world.runFor(3 * SECOND_NS);
            nemesis.heal();
            assertEquals(1, nemesis.injected(FaultKind.CORRUPT), "seed " + seed);
            long failed = cluster.servers.stream().filter(id -> world.state(id) == NodeState.FAILED).count();
            assertEquals(1, failed, "the corrupted node refuses to start: seed " + seed);
            assertEquals(1, world.stats().failedStarts());
        }
    }

    @Test
    void tornWritesReallyTearAndRecoveryCopes() {
        long torn = 0;
        for (long seed = 0; seed < 4; seed++) {
            ToyCluster cluster = new ToyCluster(SimConfig.defaults(seed), 5);
            Simulation<ToyMessage> world = cluster.world;
            Runnable toyChecks = toyChecks(cluster);
            world.afterEachEvent(toyChecks);
            NemesisConfig config = NemesisConfig.defaults().withKinds(EnumSet.of(FaultKind.TORN_WRITE))
                    .withTiming(50_000_000L, 10_000_000L, 100_000_000L);
            Nemesis nemesis = new Nemesis(world, config);
            nemesis.start();
            world.runFor(3 * SECOND_NS);
            nemesis.heal();
            for (long id : cluster.servers) {
                torn += world.disk(id).tornTailsWritten();
                assertEquals(NodeState.UP, world.state(id));
                assertEquals(world.disk(id).tornTailsWritten(), world.disk(id).tornTailsDropped(),
                        "every torn tail was dropped by the recovery that followed it");
            }
        }
        assertTrue(torn > 20, "torn writes happen: " + torn);
    }

    @Test
    void flappingPartitionComesAndGoes() {
        ToyCluster cluster = new ToyCluster(SimConfig.defaults(3), 5);
        Simulation<ToyMessage> world = cluster.world;
        NemesisConfig config = NemesisConfig.defaults().withKinds(EnumSet.of(FaultKind.PARTITION))
                .withPartitionShapes(EnumSet.of(PartitionShape.FLAPPING))
                .withTiming(10_000_000L, 5 * SECOND_NS, 5 * SECOND_NS);
        Nemesis nemesis = new Nemesis(world, config);
        int[] transitions = {0};
        boolean[] wasBlocked = {false};
        world.afterEachEvent(() -> {
            boolean blocked = world.network().blockedLinkCount() > 0;
            if (blocked != wasBlocked[0]) {
                transitions[0]++;
                wasBlocked[0] = blocked;
            }
        });
        nemesis.start();
        world.runFor(4 * SECOND_NS);
        assertEquals(1, nemesis.injected(FaultKind.PARTITION), "one flapping fault spans the run");
        assertTrue(transitions[0] > 10, "toggled many times: " + transitions[0]);
        nemesis.heal();
        assertEquals(0, world.network().blockedLinkCount());
    }

    @Test
    void clientsAreNeverTouched() {
        ToyCluster cluster = new ToyCluster(SimConfig.defaults(11), 3);
        Simulation<ToyMessage> world = cluster.world;
        world.addClient(100, id -> new CounterNode(List.of(1L, 2L, 3L), 10_000_000L));
        double clientDriftPpm = world.clock(100).driftPpm();
        world.afterEachEvent(() -> Check.that(world.state(100) == NodeState.UP, "the client stays up"));
        Nemesis nemesis = new Nemesis(world, intense().withMaxServersDown(3));
        nemesis.start();
        world.runFor(5 * SECOND_NS);
        assertEquals(1, world.startCount(100));
        assertEquals(clientDriftPpm, world.clock(100).driftPpm());
        CounterNode client = (CounterNode) world.process(100);
        assertTrue(client.ackedBy(1) > 0 || client.ackedBy(2) > 0 || client.ackedBy(3) > 0);
    }
}
