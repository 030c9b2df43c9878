package parley.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import parley.engine.KvEngine;
import parley.engine.MemoryEngine;
import parley.engine.rocks.RocksEngines;
import parley.kv.Bytes;
import parley.kv.KeyRange;
import parley.kv.KvCodec;
import parley.kv.KvCommand;
import parley.kv.KvConfig;
import parley.kv.KvStateMachine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code parley bench store}: what applying commands to one replica's state machine costs, on each
 * engine, on one thread, without Raft or the network: the part of a write or read that the state
 * engine decides. Puts compact history as a server's leader does (every tenth of the retention).
 */
@Command(name = "store", mixinStandardHelpOptions = true,
        description = "CPU per applied put or get of the key-value state machine on RocksDB and on the in-memory engine (one thread).")
final class BenchStoreCommand implements Callable<Integer> {
    @Option(names = "--engine", defaultValue = "both", description = "rocks, memory or both (default ${DEFAULT-VALUE}).") String engine;
    @Option(names = "--workload", defaultValue = "put", description = "put or get (default ${DEFAULT-VALUE}).") String workload;
    @Option(names = "--keys", defaultValue = "1000", description = "Keys drawn from (default ${DEFAULT-VALUE}).") int keys;
    @Option(names = "--ops", defaultValue = "200000", description = "Operations per round (default ${DEFAULT-VALUE}).") int ops;
    @Option(names = "--value-bytes", defaultValue = "256", description = "Value size (default ${DEFAULT-VALUE}).") int valueBytes;
    @Option(names = "--warmup-rounds", defaultValue = "2", description = "Rounds run first and not measured (default ${DEFAULT-VALUE}).") int warmupRounds;
    @Option(names = "--rounds", defaultValue = "5", description = "Measured rounds (default ${DEFAULT-VALUE}).") int rounds;
    @Option(names = "--retention-revisions", defaultValue = "10000",
            description = "History kept before a compaction, as the server's history-retention-revisions (default ${DEFAULT-VALUE}; 0: never compact).")
    long retentionRevisions;

    @Override
    public Integer call() throws IOException {
        if (!List.of("rocks", "memory", "both").contains(engine)) throw new UserError("--engine must be rocks, memory or both, not " + engine);
        if (!List.of("put", "get").contains(workload)) throw new UserError("--workload must be put or get, not " + workload);
        if (keys < 1 || ops < 1 || rounds < 1 || warmupRounds < 0 || valueBytes < 0 || retentionRevisions < 0) {
            throw new UserError("--keys, --ops and --rounds must be >= 1; --warmup-rounds, --value-bytes and --retention-revisions >= 0");
        }
        if (!engine.equals("memory")) measure("rocks");
        if (!engine.equals("rocks")) measure("memory");
        return 0;
    }

    private void measure(String which) throws IOException {
        Path dir = which.equals("rocks") ? Files.createTempDirectory("parley-bench-store") : null;
        try (RocksEngines engines = which.equals("rocks") ? new RocksEngines(RocksEngines.Settings.defaults()) : null) {
            KvEngine store = engines == null ? new MemoryEngine() : engines.openEmpty(dir.resolve("state"));
            KvStateMachine kv = new KvStateMachine(KvConfig.defaults(), store);
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            byte[] value = new byte[valueBytes];
            long[] index = {0};
            if (workload.equals("get")) {
                for (int k = 0; k < keys; k++) apply(kv, index, KvCommand.Put.of(key(k), new Bytes(value)));
            }
            List<Double> cpuUs = new ArrayList<>();
            List<Double> wallUs = new ArrayList<>();
            long drawn = 0;
            for (int round = 0; round < warmupRounds + rounds; round++) {
                long cpuBefore = threads.getCurrentThreadCpuTime();
                long wallBefore = System.nanoTime();
                for (int i = 0; i < ops; i++) {
                    Bytes key = key((int) Math.floorMod(drawn++ * 7919L, (long) keys));
                    if (workload.equals("put")) {
                        apply(kv, index, KvCommand.Put.of(key, new Bytes(value)));
                        if (retentionRevisions > 0 && kv.revision() - kv.compactRevision() > retentionRevisions + retentionRevisions / 10) {
                            apply(kv, index, new KvCommand.Compact(kv.revision() - retentionRevisions));
                        }
                    } else {
                        kv.read(KvCommand.Range.of(KeyRange.single(key)));
                    }
                }
                if (round >= warmupRounds) {
                    cpuUs.add((threads.getCurrentThreadCpuTime() - cpuBefore) / 1000.0 / ops);
                    wallUs.add((System.nanoTime() - wallBefore) / 1000.0 / ops);
                }
            }
            System.out.printf(Locale.ROOT, "store engine=%s workload=%s keys=%d value_bytes=%d ops_per_round=%d rounds=%d "
                            + "cpu_us_per_op_median=%.2f cpu_us_per_op_max=%.2f wall_us_per_op_median=%.2f stored_bytes=%d engine_size_bytes=%d%n",
                    which, workload, keys, valueBytes, ops, rounds, median(cpuUs), Collections.max(cpuUs), median(wallUs),
                    kv.store().storedBytes(), store.sizeBytes());
            store.close();
        } finally {
            if (dir != null) RocksEngines.delete(dir);
        }
    }

    private static void apply(KvStateMachine kv, long[] index, KvCommand command) {
        kv.apply(++index[0], KvCodec.encodeCommand(command));
    }

    private static Bytes key(int k) {
        return Bytes.utf8("bench/" + k);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
