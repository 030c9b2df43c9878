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
    private final RunSpec.Tombstones tombstones;
    /** Groups each server destroyed, as its fsynced tombstone file holds them: they outlive its crashes. */
    private final java.util.Map<Long, Set<Long>> tombstonesByNode = new java.util.TreeMap<>();
    /** Each server's file system: it belongs to the node and outlives its processes, like a disk. */
    private final java.util.Map<Long, parley.simfs.SimFileSystem> fileSystems = new java.util.TreeMap<>();
    /** Crashes each server's file system has been put through (the disk counts the node's). */
    private final java.util.Map<Long, Long> fileSystemCrashes = new java.util.TreeMap<>();
    private final java.util.Map<Long, Long> fileSystemWipes = new java.util.TreeMap<>();
    private final java.util.Map<Long, Long> fileSystemCorruptions = new java.util.TreeMap<>();
    private final List<Event> history = new ArrayList<>();
    private final Workload workload;
    private boolean healed;
    private int adminAccepted;
    /** Times a server resumed a watch it had held back because its watcher stopped reading. */
    private int watchResumes;

    RunContext(Simulation<ClusterMessage> world, ReplicaSettings settings, RaftNodeFactory raftFactory, LeaseClockFactory leaseClocks, RunSpec.Storage storage,
               RunSpec.Tombstones tombstones, Set<Long> serverIds, Workload workload) {
        this.tombstones = tombstones;
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

    /** Whether servers run keyspaces: the metadata group, and the groups it creates (the real log only). */
    boolean keyspaces() { return storage == RunSpec.Storage.WAL; }

    /**
     * Where server {@code nodeId} remembers the groups it destroyed: written through at once, as the
     * server's fsynced file, so they outlive crashes (unless the run plants tombstones lost on restart).
     */
    parley.host.ReplicaHost.TombstoneLog tombstoneLog(long nodeId) {
        if (tombstones == RunSpec.Tombstones.LOST_ON_RESTART) return parley.host.ReplicaHost.TombstoneLog.inMemory();
        Set<Long> durable = tombstonesByNode.computeIfAbsent(nodeId, id -> new TreeSet<>());
        return new parley.host.ReplicaHost.TombstoneLog() {
            @Override public Set<Long> load() { return Set.copyOf(durable); }
            @Override public void record(long groupId) { durable.add(groupId); }
        };
    }

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
        if (disk.wipesRequested() > fileSystemWipes.getOrDefault(nodeId, 0L)) {
            fs.wipe();
            tombstonesByNode.remove(nodeId); // the file that lists destroyed groups went with the rest
            ledger().nodeWiped(nodeId);
            fileSystemWipes.put(nodeId, disk.wipesRequested());
            if (tracing()) trace(nodeId, "file system: wiped (the node lost its whole data directory)");
        }
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
            java.nio.file.Path hit = fs.corruptRandomFile(p -> !isNewestSegment(fs, p));
            if (tracing()) trace(nodeId, "file system: a bit flipped in " + hit);
        }
        fileSystemCorruptions.put(nodeId, disk.corruptionsRequested());
        return fs;
    }

    /** Whether {@code path} is the newest log segment of its directory (each group's log has one). */
    private static boolean isNewestSegment(parley.simfs.SimFileSystem fs, java.nio.file.Path path) {
        String name = path.getFileName().toString();
        if (!name.startsWith("wal-")) return false;
        try {
            return fs.list(path.getParent()).stream().filter(n -> n.startsWith("wal-")).max(String::compareTo).map(name::equals).orElse(false);
        } catch (java.io.IOException e) {
            return false;
        }
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

    public int watchResumes() { return watchResumes; }

    void countWatchResumed() { watchResumes++; }
}
