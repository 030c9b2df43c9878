package parley.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import parley.check.Event;
import parley.replica.LeaseClockFactory;
import parley.replica.RaftNodeFactory;
import parley.replica.ReplicaSettings;
import parley.sim.Simulation;

/**
 * What the processes of one simulated run share: configuration, the safety ledger, the recorded
 * client history and the trace. Processes may crash and restart; this outlives them, as the
 * observer of a real test outlives the servers it watches.
 */
public final class RunContext {
    private final Simulation<ClusterMessage> world;
    private final ReplicaSettings settings;
    private final RaftNodeFactory raftFactory;
    private final LeaseClockFactory leaseClocks;
    private final Set<Long> serverIds;
    private final SafetyLedger ledger = new SafetyLedger();
    private final LeaseLedger leases = new LeaseLedger();
    private final RunSpec.Storage storage;
    /** Each server's file system: it belongs to the node and outlives its processes, like a disk. */
    private final java.util.Map<Long, parley.simfs.SimFileSystem> fileSystems = new java.util.TreeMap<>();
    /** Crashes each server's file system has been put through (the disk counts the node's). */
    private final java.util.Map<Long, Long> fileSystemCrashes = new java.util.TreeMap<>();
    private final java.util.Map<Long, Long> fileSystemCorruptions = new java.util.TreeMap<>();
    private final List<Event> history = new ArrayList<>();
    private final Workload workload;
    private boolean healed;
    private int adminAccepted;

    RunContext(Simulation<ClusterMessage> world, ReplicaSettings settings, RaftNodeFactory raftFactory, LeaseClockFactory leaseClocks, RunSpec.Storage storage,
               Set<Long> serverIds, Workload workload) {
        this.world = world;
        this.settings = settings;
        this.raftFactory = raftFactory;
        this.leaseClocks = leaseClocks;
        this.storage = storage;
        this.serverIds = new TreeSet<>(serverIds);
        this.workload = workload;
    }

    /** The servers' replica settings, drawn for this seed. */
    public ReplicaSettings settings() { return settings; }

    public RaftNodeFactory raftFactory() { return raftFactory; }

    public LeaseClockFactory leaseClocks() { return leaseClocks; }

    public RunSpec.Storage storage() { return storage; }

    /** Where server {@code nodeId} keeps its write-ahead log on its simulated file system. */
    java.nio.file.Path walDirectory(long nodeId) {
        return java.nio.file.Path.of("/sim/n" + nodeId);
    }

    /** How far the servers' logs zero-fill ahead of their writes in this run: off in half the seeds, 16 KiB in the rest. */
    long walZeroFillBytes() {
        return (world.seed() & 1) == 0 ? 0 : 16 << 10;
    }

    /**
     * Server {@code nodeId}'s file system, brought up to date with the node's crashes: every crash
     * of the node since the last look loses that file system's unsynced data the same way the
     * crash treated the node's disk.
     */
    parley.simfs.SimFileSystem fileSystem(long nodeId, parley.sim.SimDisk disk) {
        parley.simfs.SimFileSystem fs = fileSystems.computeIfAbsent(nodeId,
                id -> new parley.simfs.SimFileSystem(new parley.core.env.SplittableRandomSource(world.seed() * 1_000_003L + id)));
        long seen = fileSystemCrashes.getOrDefault(nodeId, 0L);
        if (disk.crashes() > seen) {
            fs.crash(switch (disk.lastCrashMode()) {
                case LOSE_UNSYNCED -> parley.simfs.SimFileSystem.CrashMode.LOSE_UNSYNCED;
                case KEEP_RANDOM_PREFIX -> parley.simfs.SimFileSystem.CrashMode.KEEP_RANDOM_PREFIX;
                case TORN_TAIL -> parley.simfs.SimFileSystem.CrashMode.TORN_LAST;
            });
            fileSystemCrashes.put(nodeId, disk.crashes());
        }
        // A latent sector error the nemesis gave the node's disk lands in its files, but not in the
        // newest log segment: a damaged last record there cannot be told from a torn write, and the
        // log drops it as one, acknowledged or not (a known weakness, see docs/simulator.md).
        for (long c = fileSystemCorruptions.getOrDefault(nodeId, 0L); c < disk.corruptionsRequested(); c++) {
            java.util.Optional<String> newest;
            try {
                newest = fs.list(walDirectory(nodeId)).stream().filter(n -> n.startsWith("wal-")).max(String::compareTo);
            } catch (java.io.IOException e) {
                newest = java.util.Optional.empty();
            }
            java.util.Optional<String> spared = newest;
            java.nio.file.Path hit = fs.corruptRandomFile(p -> spared.isEmpty() || !p.getFileName().toString().equals(spared.get()));
            if (tracing()) trace(nodeId, "file system: a bit flipped in " + hit);
        }
        fileSystemCorruptions.put(nodeId, disk.corruptionsRequested());
        return fs;
    }

    /** The founding voters, sorted. */
    public Set<Long> serverIds() { return serverIds; }

    public SafetyLedger ledger() { return ledger; }

    /** Judges lease expiry against the refreshes lease holders were told succeeded. */
    LeaseLedger leases() { return leases; }

    /** Every server's local clock reading now, in server id order (for the lease check). */
    long[] serverClocksNs() {
        long[] readings = new long[serverIds.size()];
        int i = 0;
        for (long id : serverIds) readings[i++] = world.clock(id).localNs(world.nowNs());
        return readings;
    }

    public Workload workload() { return workload; }

    /** The client history so far, in real-time (event) order. */
    public List<Event> history() { return history; }

    void record(Event event) {
        history.add(event);
    }

    /** Simulated global time, which client histories are stamped with. */
    public long nowNs() { return world.nowNs(); }

    public boolean tracing() { return world.tracing(); }

    public void trace(long nodeId, String text) { world.trace(nodeId, text); }

    /** Whether the safety phase ended and every fault was healed. */
    public boolean healed() { return healed; }

    void markHealed() { healed = true; }

    /** Membership changes and leadership transfers a leader accepted. */
    public int adminAccepted() { return adminAccepted; }

    void countAdminAccepted() { adminAccepted++; }
}
