package parley.sim.toy;

import java.util.ArrayList;
import java.util.List;

import parley.sim.NodeState;
import parley.sim.ProgressCheck;
import parley.sim.SimConfig;
import parley.sim.Simulation;

/** A world of {@link CounterNode} servers, with a progress check for the liveness phase. */
public final class ToyCluster {
    public static final long TICK_NS_MEAN = 10_000_000L;

    public final Simulation<ToyMessage> world;
    public final List<Long> servers;

    public ToyCluster(SimConfig config, int serverCount) {
        this(config, serverCount, TICK_NS_MEAN);
    }

    public ToyCluster(SimConfig config, int serverCount, long tickNsMean) {
        world = new Simulation<>(config);
        List<Long> ids = new ArrayList<>();
        for (long id = 1; id <= serverCount; id++) {
            ids.add(id);
        }
        servers = List.copyOf(ids);
        for (long id : servers) {
            world.addServer(id, nodeId -> new CounterNode(servers, tickNsMean));
        }
    }

    public CounterNode node(long id) {
        return (CounterNode) world.process(id);
    }

    /**
     * Progress after the heal: every running server has seen every other running server's counter
     * rise by at least {@code rise} over what it had seen at the heal.
     */
    public ProgressCheck everyoneHearsEveryone(long rise) {
        return new ProgressCheck() {
            private long[][] baseline;

            @Override
            public void onHealed(long nowNs) {
                baseline = snapshot();
            }

            @Override
            public boolean progressed() {
                long[][] now = snapshot();
                for (int a = 0; a < servers.size(); a++) {
                    for (int b = 0; b < servers.size(); b++) {
                        if (a != b && !failed(a) && !failed(b) && now[a][b] < baseline[a][b] + rise) {
                            return false;
                        }
                    }
                }
                return true;
            }

            @Override
            public String describe() {
                return "seen counters " + java.util.Arrays.deepToString(snapshot());
            }
        };
    }

    /** Like {@link #everyoneHearsEveryone} but demanding every server, failed or not. */
    public ProgressCheck allServersHearEachOther(long rise) {
        return () -> {
            for (long a : servers) {
                for (long b : servers) {
                    if (a != b && (node(a) == null || node(a).seenFrom(b) < rise)) {
                        return false;
                    }
                }
            }
            return true;
        };
    }

    private boolean failed(int index) {
        return world.state(servers.get(index)) == NodeState.FAILED;
    }

    private long[][] snapshot() {
        long[][] seen = new long[servers.size()][servers.size()];
        for (int a = 0; a < servers.size(); a++) {
            CounterNode node = node(servers.get(a));
            for (int b = 0; b < servers.size(); b++) {
                seen[a][b] = node == null ? 0 : node.seenFrom(servers.get(b));
            }
        }
        return seen;
    }
}
