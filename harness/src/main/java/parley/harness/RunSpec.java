package parley.harness;

import java.util.EnumSet;
import java.util.Set;
import parley.raft.RaftConfig;
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
 * @param raftConfig    the servers' Raft configuration
 * @param raftFactory   how servers create their Raft node (planted-bug variants in tests)
 */
public record RunSpec(int nodes, int clients, int opsTotal, Set<FaultKind> faults, long faultIntervalMsMean,
                      int readPercent, int casPercent, int keys, long operatorIntervalMsMean, RaftConfig raftConfig, RaftNodeFactory raftFactory) {
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
    }

    /** Raft tuned for simulation: short timeouts, and frequent snapshots in small chunks to exercise them. */
    public static RaftConfig simulationRaftConfig() {
        return RaftConfig.builder()
                .electionTimeoutMs(150, 300)
                .heartbeatIntervalMs(50)
                .snapshotThresholdEntries(128)
                .snapshotChunkBytes(4096)
                .snapshotChunkTimeoutMs(200)
                .build();
    }

    /** 5 nodes, 5 clients, 1,000 operations, every fault. */
    public static RunSpec defaults() {
        return new RunSpec(5, 5, 1000, EnumSet.allOf(FaultKind.class), 500, 40, 20, 5, 1000, simulationRaftConfig(), RaftNodeFactory.STANDARD);
    }

    public RunSpec withNodes(int n) { return new RunSpec(n, clients, opsTotal, faults, faultIntervalMsMean, readPercent, casPercent, keys, operatorIntervalMsMean, raftConfig, raftFactory); }

    public RunSpec withClients(int c) { return new RunSpec(nodes, c, opsTotal, faults, faultIntervalMsMean, readPercent, casPercent, keys, operatorIntervalMsMean, raftConfig, raftFactory); }

    public RunSpec withOps(int k) { return new RunSpec(nodes, clients, k, faults, faultIntervalMsMean, readPercent, casPercent, keys, operatorIntervalMsMean, raftConfig, raftFactory); }

    public RunSpec withFaults(Set<FaultKind> f) { return new RunSpec(nodes, clients, opsTotal, f, faultIntervalMsMean, readPercent, casPercent, keys, operatorIntervalMsMean, raftConfig, raftFactory); }

    public RunSpec withFaultIntervalMs(long ms) { return new RunSpec(nodes, clients, opsTotal, faults, ms, readPercent, casPercent, keys, operatorIntervalMsMean, raftConfig, raftFactory); }

    public RunSpec withRaftFactory(RaftNodeFactory f) { return new RunSpec(nodes, clients, opsTotal, faults, faultIntervalMsMean, readPercent, casPercent, keys, operatorIntervalMsMean, raftConfig, f); }

    public RunSpec withRaftConfig(RaftConfig c) { return new RunSpec(nodes, clients, opsTotal, faults, faultIntervalMsMean, readPercent, casPercent, keys, operatorIntervalMsMean, c, raftFactory); }

    /** The operation mix: {@code reads}% reads, {@code cas}% compare-and-sets, the rest writes. */
    public RunSpec withMix(int reads, int cas) { return new RunSpec(nodes, clients, opsTotal, faults, faultIntervalMsMean, reads, cas, keys, operatorIntervalMsMean, raftConfig, raftFactory); }

    public RunSpec withKeys(int k) { return new RunSpec(nodes, clients, opsTotal, faults, faultIntervalMsMean, readPercent, casPercent, k, operatorIntervalMsMean, raftConfig, raftFactory); }

    public RunSpec withOperatorIntervalMs(long ms) { return new RunSpec(nodes, clients, opsTotal, faults, faultIntervalMsMean, readPercent, casPercent, keys, ms, raftConfig, raftFactory); }

    int opsPerClient() {
        return (opsTotal + clients - 1) / clients;
    }
}
