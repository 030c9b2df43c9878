package parley.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import parley.core.env.SplittableRandomSource;

class NetworkTest {
    private static final List<Long> IDS = List.of(1L, 2L, 3L, 4L, 5L);

    /** Sends one message on every ordered pair and returns the links that delivered. */
    private static Set<Partition.Link> deliveredLinks(Simulation<String> world) {
        world.schedule(0, () -> {
            for (long from : IDS) {
                for (long to : IDS) {
                    if (from != to) {
                        Probe.of(world, from).env.send(to, "hello");
                    }
                }
            }
        });
        world.runFor(10_000_000);
        Set<Partition.Link> delivered = new HashSet<>();
        for (long to : IDS) {
            for (String what : Probe.of(world, to).whats()) {
                if (what.startsWith("msg ")) {
                    delivered.add(new Partition.Link(Long.parseLong(what.split(" ")[1]), to));
                }
            }
        }
        return delivered;
    }

    private static void assertExactlyBlocked(Simulation<String> world, Set<Partition.Link> blocked) {
        Set<Partition.Link> delivered = deliveredLinks(world);
        for (long from : IDS) {
            for (long to : IDS) {
                if (from == to) {
                    continue;
                }
                Partition.Link link = new Partition.Link(from, to);
                assertEquals(blocked.contains(link), world.network().isBlocked(from, to), "isBlocked " + link);
                assertEquals(!blocked.contains(link), delivered.contains(link), "delivery on " + link);
            }
        }
        assertEquals(blocked.size(), world.network().blockedLinkCount());
    }

    private static Set<Partition.Link> crossLinks(Set<Long> sideA) {
        Set<Partition.Link> links = new HashSet<>();
        for (long a : IDS) {
            for (long b : IDS) {
                if (sideA.contains(a) != sideA.contains(b)) {
                    links.add(new Partition.Link(a, b));
                }
            }
        }
        return links;
    }

    @Test
    void majorityMinoritySplitsTwoFromThree() {
        for (long seed = 0; seed < 5; seed++) {
            Simulation<String> world = Probe.world(Probe.quiet(seed), 1, 2, 3, 4, 5);
            Partition split = Partition.majorityMinority(IDS, new SplittableRandomSource(seed));
            world.network().apply(split);
            // recover the sides from node 1's view
            Set<Long> sideOfOne = new HashSet<>();
            for (long id : IDS) {
                if (id == 1 || !world.network().isBlocked(1, id)) {
                    sideOfOne.add(id);
                }
            }
            assertTrue(sideOfOne.size() == 2 || sideOfOne.size() == 3, "sides of 2 and 3: " + sideOfOne);
            assertEquals(12, split.links().size());
            assertExactlyBlocked(world, crossLinks(sideOfOne));
        }
    }

    @Test
    void isolateCutsOneNodeBothWays() {
        Simulation<String> world = Probe.world(Probe.quiet(1), 1, 2, 3, 4, 5);
        world.network().apply(Partition.isolate(3, IDS));
        assertExactlyBlocked(world, crossLinks(Set.of(3L)));
    }

    @Test
    void oneWayBlocksOnlyOneDirection() {
        Simulation<String> world = Probe.world(Probe.quiet(1), 1, 2, 3, 4, 5);
        world.network().apply(Partition.oneWay(1, 2));
        assertExactlyBlocked(world, Set.of(new Partition.Link(1, 2)));
        assertFalse(world.network().isBlocked(2, 1));
    }

    @Test
    void bridgeLetsBothHalvesReachTheBridgeOnly() {
        Simulation<String> world = Probe.world(Probe.quiet(1), 1, 2, 3, 4, 5);
        world.network().apply(Partition.bridge(List.of(1L, 2L), 3, List.of(4L, 5L)));
        Set<Partition.Link> blocked = new HashSet<>();
        for (long a : List.of(1L, 2L)) {
            for (long b : List.of(4L, 5L)) {
                blocked.add(new Partition.Link(a, b));
                blocked.add(new Partition.Link(b, a));
            }
        }
        assertExactlyBlocked(world, blocked);
    }

    @Test
    void partitionsComposeAndHealRestoresEverything() {
        Simulation<String> world = Probe.world(Probe.quiet(1), 1, 2, 3, 4, 5);
        Partition isolate = Partition.isolate(1, IDS);
        Partition oneWay = Partition.oneWay(1, 2);
        world.network().apply(isolate);
        world.network().apply(oneWay);
        world.network().lift(isolate);
        assertExactlyBlocked(world, Set.of(new Partition.Link(1, 2)));
        world.network().apply(Partition.majorityMinority(IDS, new SplittableRandomSource(3)));
        world.healAll();
        assertEquals(0, world.network().blockedLinkCount());
        assertExactlyBlocked(world, Set.of());
    }

    @Test
    void partitionStartingWhileAMessageIsInFlightDropsIt() {
        Simulation<String> world = Probe.world(Probe.quiet(1), 1, 2);
        world.schedule(0, () -> Probe.of(world, 1).env.send(2, "late"));
        world.schedule(500_000, () -> world.network().block(1, 2));
        world.runFor(5_000_000);
        assertFalse(Probe.of(world, 2).whats().contains("msg 1 late"));
        assertEquals(1, world.network().droppedPartition());
        assertEquals(0, world.network().inFlight());
    }

    @Test
    void lossAndDuplicationHitServersAtTheConfiguredRatesButSpareClients() {
        SimConfig config = Probe.quiet(5).withNetwork(NetworkConfig.lan().withLossProbability(0.3)
                .withDuplicateProbability(0.1));
        Simulation<String> world = Probe.world(config, 1, 2);
        world.addClient(9, nodeId -> new Probe(world));
        int count = 20_000;
        world.schedule(0, () -> {
            for (int i = 0; i < count; i++) {
                Probe.of(world, 1).env.send(2, "s");
                Probe.of(world, 1).env.send(9, "c");
            }
        });
        world.runFor(1_000_000_000L);
        long toServer = Probe.of(world, 2).whats().stream().filter(w -> w.equals("msg 1 s")).count();
        long toClient = Probe.of(world, 9).whats().stream().filter(w -> w.equals("msg 1 c")).count();
        // delivered = (1 - loss) * (1 + dup) * count = 0.77 * count
        assertTrue(Math.abs(toServer - 0.77 * count) < 0.02 * count, "server deliveries " + toServer);
        assertEquals(count, toClient, "client links are exempt from loss and duplication");
        SimNetwork network = world.network();
        assertEquals(network.sent() + network.duplicated(), network.delivered() + network.dropped() + network.inFlight());
        assertEquals(0, network.inFlight());
    }

    @Test
    void randomLatencyReordersAndFixedLatencyKeepsSendOrder() {
        for (boolean fixed : new boolean[] {true, false}) {
            SimConfig config = fixed ? Probe.quiet(3) : SimConfig.defaults(3).withClock(ClockConfig.perfect());
            Simulation<String> world = Probe.world(config, 1, 2);
            world.schedule(0, () -> {
                for (int i = 0; i < 100; i++) {
                    Probe.of(world, 1).env.send(2, Integer.toString(i));
                }
            });
            world.runFor(1_000_000_000L);
            List<String> got = Probe.of(world, 2).whats().subList(1, 101);
            boolean inOrder = true;
            for (int i = 0; i < 100; i++) {
                inOrder &= got.get(i).equals("msg 1 " + i);
            }
            assertEquals(fixed, inOrder, fixed ? "same latency: ties broken by send order" : "random latency reorders");
        }
    }

    @Test
    void delayFaultSlowsServerLinks() {
        Simulation<String> world = Probe.world(Probe.quiet(3), 1, 2);
        world.network().setFaultDelayNsMax(100_000_000);
        world.schedule(0, () -> {
            for (int i = 0; i < 1000; i++) {
                Probe.of(world, 1).env.send(2, "x");
            }
        });
        world.runFor(2_000_000_000L);
        long lateDeliveries = Probe.of(world, 2).log.stream().filter(h -> h.globalNs() > 50_000_000).count();
        assertTrue(lateDeliveries > 400 && lateDeliveries < 600, "about half arrive after 50 ms: " + lateDeliveries);
    }

    @Test
    void unknownDestinationIsCountedAsDropped() {
        Simulation<String> world = Probe.world(Probe.quiet(3), 1);
        world.schedule(0, () -> Probe.of(world, 1).env.send(77, "void"));
        world.runFor(10_000_000);
        assertEquals(1, world.network().droppedUnknown());
        assertEquals(1, world.network().dropped());
    }
}
