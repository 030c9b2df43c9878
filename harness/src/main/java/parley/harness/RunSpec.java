package parley.harness;

import java.util.EnumSet;
import java.util.Set;
import parley.core.env.SplittableRandomSource;
import parley.replica.LeaseClockFactory;
import parley.replica.RaftNodeFactory;
import parley.replica.ReplicaSettings;
import parley.sim.nemesis.FaultKind;

/**
 * One simulated Raft KV run, minus the seed: cluster size, clients, workload, faults and Raft's
 * configuration. Validated, so an impossible configuration is a clear error before anything runs.
 *
 * @param nodes         servers (Raft voters)
 * @param clients       concurrent clients
 * @param opsTotal      operations all clients issue together during the safety phase
 * @param faults        the fault kinds the nemesis may inject; empty for none
 * @param faultIntervalMsMean mean time between injected faults
 * @param readPercent   share of client operations that are reads
 * @param casPercent    share that are compare-and-sets (the rest are writes)
 * @param keys          registers the clients work on
 * @param operatorIntervalMsMean mean time between an operator's leadership transfers and membership
 *                      changes during the safety phase; 0 for none
 * @param settings      the servers' replica settings (Raft's configuration and the replica's policy), drawn per seed
 * @param raftFactory   how servers create their Raft node (planted-bug variants in tests)
 * @param leaseClocks   how servers create their leader's lease clock (planted-bug variants in tests)
 * @param storage       what keeps each server's Raft state: the server's own write-ahead log on a simulated
 *                      file system, or the simulator's lighter journal
 */
public record RunSpec(int nodes, int clients, int opsTotal, Set<FaultKind> faults, long faultIntervalMsMean,
                      int readPercent, int casPercent, int keys, long operatorIntervalMsMean, SettingsDraw settings, RaftNodeFactory raftFactory,
                      LeaseClockFactory leaseClocks, Storage storage, Tombstones tombstones, int twins) {
    public static final int MAX_NODES = 99;
    public static final int MAX_CLIENTS = 1000;

    public RunSpec {
        if (nodes < 1 || nodes > MAX_NODES) throw new IllegalArgumentException("--nodes must be in 1.." + MAX_NODES + ", got " + nodes);
        if (clients < 1 || clients > MAX_CLIENTS) throw new IllegalArgumentException("--clients must be in 1.." + MAX_CLIENTS + ", got " + clients);
        if (opsTotal < 0) throw new IllegalArgumentException("--ops must be >= 0, got " + opsTotal);
        if (faultIntervalMsMean <= 0) throw new IllegalArgumentException("fault interval must be positive, got " + faultIntervalMsMean);
        if (readPercent < 0 || casPercent < 0 || readPercent + casPercent > 100) {
            throw new IllegalArgumentException("read% and cas% must be >= 0 and add up to at most 100, got " + readPercent + " and " + casPercent);
        }
        if (keys < 1 || keys > 100_000) throw new IllegalArgumentException("--keys must be in 1..100000, got " + keys);
        if (operatorIntervalMsMean < 0) throw new IllegalArgumentException("operator interval must be >= 0, got " + operatorIntervalMsMean);
        faults = faults.isEmpty() ? Set.of() : java.util.Collections.unmodifiableSet(EnumSet.copyOf(faults));
        if (twins < 0 || twins > nodes) throw new IllegalArgumentException("twins must be in 0.." + nodes + ", got " + twins);
    }

    /** What keeps a simulated server's Raft state. */
    public enum Storage {
        /** The server's own write-ahead log ({@code wal.FileRaftStorage}) on a simulated file system. */
        WAL,
        /** The simulator's journal of records ({@link SimRaftStorage}): lighter, and no file-system faults. */
        JOURNAL
    }

    /** Where a simulated server remembers the groups it destroyed. */
    public enum Tombstones {
        /** Durably, as the server's fsynced tombstone file: they outlive every crash. */
        DURABLE,
        /** In memory only, forgotten by a restart: a planted bug (a dropped keyspace's group can come back). */
        LOST_ON_RESTART
    }

    /**
     * The first {@code n} servers get a twin each: a second server with the same identity (see
     * {@link parley.sim.Simulation#addTwin}). Raft tolerates crashes, not equivocation, so a run with
     * twins is expected to fail its checks: a way to show the checks see what a lying node does.
     */
    public RunSpec withTwins(int n) { return new RunSpec(nodes, clients, opsTotal, faults, faultIntervalMsMean, readPercent, casPercent, keys, operatorIntervalMsMean, settings, raftFactory, leaseClocks, storage, tombstones, n); }

    public RunSpec withTombstones(Tombstones t) { return new RunSpec(nodes, clients, opsTotal, faults, faultIntervalMsMean, readPercent, casPercent, keys, operatorIntervalMsMean, settings, raftFactory, leaseClocks, storage, t, twins); }

    /** Whether servers run keyspaces (the metadata group and the groups the operator creates): with the real log only. */
    public boolean keyspaces() {
        return storage == Storage.WAL;
    }

    public RunSpec withStorage(Storage s) { return new RunSpec(nodes, clients, opsTotal, faults, faultIntervalMsMean, readPercent, casPercent, keys, operatorIntervalMsMean, settings, raftFactory, leaseClocks, s, tombstones, twins); }

    /** How a run gets its servers' settings from its seed. */
    @FunctionalInterface
    public interface SettingsDraw {
        ReplicaSettings draw(long seed);

        /**
         * A random valid set per seed ({@link ReplicaSettings#random}), from a random source of its own
         * so that the draw does not shift the world's random sequence.
         */
        static SettingsDraw randomPerSeed() {
            return seed -> ReplicaSettings.random(new SplittableRandomSource(seed ^ 0x5e77_1265_d4a3_b1c9L));
        }
    }

    /** 5 nodes, 5 clients, 1,000 operations, every fault. */
    public static RunSpec defaults() {
        return new RunSpec(5, 5, 1000, EnumSet.allOf(FaultKind.class), 500, 40, 20, 5, 1000, SettingsDraw.randomPerSeed(), RaftNodeFactory.STANDARD,
                LeaseClockFactory.STANDARD, Storage.WAL, Tombstones.DURABLE, 0);
    }

    public RunSpec withNodes(int n) { return new RunSpec(n, clients, opsTotal, faults, faultIntervalMsMean, readPercent, casPercent, keys, operatorIntervalMsMean, settings, raftFactory, leaseClocks, storage, tombstones, twins); }

    public RunSpec withClients(int c) { return new RunSpec(nodes, c, opsTotal, faults, faultIntervalMsMean, readPercent, casPercent, keys, operatorIntervalMsMean, settings, raftFactory, leaseClocks, storage, tombstones, twins); }

    public RunSpec withOps(int k) { return new RunSpec(nodes, clients, k, faults, faultIntervalMsMean, readPercent, casPercent, keys, operatorIntervalMsMean, settings, raftFactory, leaseClocks, storage, tombstones, twins); }

    public RunSpec withFaults(Set<FaultKind> f) { return new RunSpec(nodes, clients, opsTotal, f, faultIntervalMsMean, readPercent, casPercent, keys, operatorIntervalMsMean, settings, raftFactory, leaseClocks, storage, tombstones, twins); }

    public RunSpec withFaultIntervalMs(long ms) { return new RunSpec(nodes, clients, opsTotal, faults, ms, readPercent, casPercent, keys, operatorIntervalMsMean, settings, raftFactory, leaseClocks, storage, tombstones, twins); }

    public RunSpec withRaftFactory(RaftNodeFactory f) { return new RunSpec(nodes, clients, opsTotal, faults, faultIntervalMsMean, readPercent, casPercent, keys, operatorIntervalMsMean, settings, f, leaseClocks, storage, tombstones, twins); }

    public RunSpec withLeaseClocks(LeaseClockFactory l) { return new RunSpec(nodes, clients, opsTotal, faults, faultIntervalMsMean, readPercent, casPercent, keys, operatorIntervalMsMean, settings, raftFactory, l, storage, tombstones, twins); }

    public RunSpec withSettings(SettingsDraw s) { return new RunSpec(nodes, clients, opsTotal, faults, faultIntervalMsMean, readPercent, casPercent, keys, operatorIntervalMsMean, s, raftFactory, leaseClocks, storage, tombstones, twins); }

    /** Leader lease reads on (or off) in every seed's drawn settings. */
    public RunSpec withLeaseReads(boolean on) {
        SettingsDraw base = settings;
        return withSettings(seed -> base.draw(seed).withRaft(raft -> raft.leaseReads(on)));
    }

    /** The operation mix: {@code reads}% reads, {@code cas}% compare-and-sets, the rest writes. */
    public RunSpec withMix(int reads, int cas) { return new RunSpec(nodes, clients, opsTotal, faults, faultIntervalMsMean, reads, cas, keys, operatorIntervalMsMean, settings, raftFactory, leaseClocks, storage, tombstones, twins); }

    public RunSpec withKeys(int k) { return new RunSpec(nodes, clients, opsTotal, faults, faultIntervalMsMean, readPercent, casPercent, k, operatorIntervalMsMean, settings, raftFactory, leaseClocks, storage, tombstones, twins); }

    public RunSpec withOperatorIntervalMs(long ms) { return new RunSpec(nodes, clients, opsTotal, faults, faultIntervalMsMean, readPercent, casPercent, keys, ms, settings, raftFactory, leaseClocks, storage, tombstones, twins); }

    int opsPerClient() {
        return (opsTotal + clients - 1) / clients;
    }
}
