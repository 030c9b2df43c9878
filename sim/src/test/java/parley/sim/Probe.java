package parley.sim;

import java.util.ArrayList;
import java.util.List;

import parley.core.env.Env;

/** A scriptable test process: records what happens to it; tests make it act through its env. */
final class Probe implements SimProcess<String> {
    /** One thing that happened to the probe, with the global time it happened at. */
    record Happening(long globalNs, String what) {}

    final Simulation<String> world;
    final List<Happening> log = new ArrayList<>();
    Env<String> env;
    SimDisk disk;
    List<byte[]> recovered;
    boolean inCallback;

    Probe(Simulation<String> world) {
        this.world = world;
    }

    @Override
    public void onStart(Env<String> env, SimDisk disk) {
        this.env = env;
        this.disk = disk;
        this.recovered = disk.recover();
        record("start");
    }

    @Override
    public void onMessage(long from, String message) {
        record("msg " + from + " " + message);
    }

    @Override
    public void onTimer(int timerId) {
        record("timer " + timerId);
    }

    @Override
    public void onSyncComplete(long syncId) {
        record("sync " + syncId);
    }

    private void record(String what) {
        if (inCallback) {
            throw new AssertionError("re-entrant call: " + what);
        }
        log.add(new Happening(world.nowNs(), what));
    }

    List<String> whats() {
        List<String> whats = new ArrayList<>();
        for (Happening happening : log) {
            whats.add(happening.what());
        }
        return whats;
    }

    /** A world of probes with the given ids, all servers. */
    static Simulation<String> world(SimConfig config, long... ids) {
        Simulation<String> world = new Simulation<>(config);
        for (long id : ids) {
            world.addServer(id, nodeId -> new Probe(world));
        }
        return world;
    }

    static Probe of(Simulation<String> world, long id) {
        return (Probe) world.process(id);
    }

    /** Fixed 1 ms latency, no drift, no offset: times are easy to predict. */
    static SimConfig quiet(long seed) {
        return SimConfig.defaults(seed)
                .withNetwork(NetworkConfig.lan().withLatency(new LatencyModel.Fixed(1_000_000)))
                .withClock(ClockConfig.perfect())
                .withDisk(new DiskConfig(new LatencyModel.Fixed(100_000)));
    }
}
