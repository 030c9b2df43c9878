package parley.torture;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Everything a torture run needs, validated on construction.
 *
 * @param nodes           cluster size (3 or 5 make sense; 1 to 9 allowed)
 * @param durationMs      how long clients and the nemesis run before the final heal
 * @param clients         concurrent clients, one operation outstanding each
 * @param watchers        concurrent watchers
 * @param workload        keys and operation mix
 * @param faults          the fault kinds the nemesis draws from (empty: no faults)
 * @param faultIntervalMs from the start of one fault to the start of the next
 * @param faultDurationMs how long each fault is held (below the interval)
 * @param seed            seeds the nemesis schedule and every client's choices
 * @param opTimeoutMs     a client gives up on an operation after this long (its outcome is then unknown)
 * @param outputDir       configs, data directories, node logs, history, report
 * @param serverCommand   what starts one server, up to {@code --config FILE}
 * @param checkTimeBudgetMs the linearizability checker's time budget (verdict unknown beyond it)
 */
public record TortureOptions(int nodes, long durationMs, int clients, int watchers, Workload workload, Set<FaultKind> faults,
                             long faultIntervalMs, long faultDurationMs, long seed, long opTimeoutMs, Path outputDir,
                             List<String> serverCommand, long checkTimeBudgetMs) {
    public TortureOptions {
        require(nodes >= 1 && nodes <= 9, "nodes must be in [1, 9], got " + nodes);
        require(durationMs >= 1_000, "the duration must be at least 1 s, got " + durationMs + " ms");
        require(clients >= 1 && clients <= 256, "clients must be in [1, 256], got " + clients);
        require(watchers >= 0 && watchers <= 64, "watchers must be in [0, 64], got " + watchers);
        require(faultIntervalMs >= 200, "the fault interval must be at least 200 ms, got " + faultIntervalMs);
        require(faultDurationMs >= 50 && faultDurationMs < faultIntervalMs,
                "the fault duration must be at least 50 ms and shorter than the interval (" + faultIntervalMs + " ms), got " + faultDurationMs);
        require(opTimeoutMs >= 100, "the operation timeout must be at least 100 ms, got " + opTimeoutMs);
        require(checkTimeBudgetMs >= 1_000, "the checker's time budget must be at least 1 s, got " + checkTimeBudgetMs);
        require(!serverCommand.isEmpty(), "a server command is required");
        require(nodes >= 3 || faults.stream().noneMatch(f -> f == FaultKind.PARTITION || f == FaultKind.BRIDGE),
                "partition and bridge need at least 3 nodes");
        faults = Set.copyOf(faults);
        serverCommand = List.copyOf(serverCommand);
    }

    private static void require(boolean ok, String problem) {
        if (!ok) throw new IllegalArgumentException(problem);
    }
}
