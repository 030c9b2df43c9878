package parley.server;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The node's last line against running out of heap: when the heap still in use after a garbage
 * collection passes {@link #SHED_ABOVE} of its maximum, the node refuses new writes (puts, transactions,
 * lease grants) with etcd's {@code etcdserver: too many requests} until it is back under
 * {@link #RESUME_BELOW}; reads, deletes and compactions go on, as they free memory or cost little.
 * Each change is logged once with the numbers and shown in {@code parley_memory_shedding}.
 *
 * <p>Every part of a node that grows with what clients do is bounded on its own (quota, history
 * retention, watch buffers, requests in flight); this guard is for what those bounds did not foresee.
 * It looks at the heap after collection, not at the heap now: a heap between collections is full of
 * garbage and says nothing. Runtime only (the simulator has no heap to watch).
 */
final class MemoryGuard {
    private static final System.Logger LOG = System.getLogger(MemoryGuard.class.getName());
    /** Start refusing writes past this share of the maximum heap in use after a collection. */
    static final double SHED_ABOVE = 0.85;
    /** Accept writes again below this share (the gap keeps the node from flapping). */
    static final double RESUME_BELOW = 0.70;

    private final LongSupplier usedAfterCollectionBytes;
    private final long heapMaxBytes;
    private volatile boolean shedding;
    private long sheddingSinceNs;

    MemoryGuard(LongSupplier usedAfterCollectionBytes, long heapMaxBytes) {
        this.usedAfterCollectionBytes = usedAfterCollectionBytes;
        this.heapMaxBytes = heapMaxBytes;
    }

    /** A guard over this JVM's heap: the heap pools' usage after their last collection, summed. */
    static MemoryGuard forThisJvm() {
        List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP && pool.isCollectionUsageThresholdSupported()).toList();
        LongSupplier used = () -> heapPools.stream().mapToLong(pool -> {
            var usage = pool.getCollectionUsage();
            return usage == null ? 0 : usage.getUsed();
        }).sum();
        return new MemoryGuard(used, Runtime.getRuntime().maxMemory());
    }

    /** Whether new writes are refused now. */
    boolean shedding() {
        return shedding;
    }

    /** Looks at the heap again (call it every few hundred milliseconds); {@code nowNs} only times the log line. */
    void check(long nowNs) {
        long used = usedAfterCollectionBytes.getAsLong();
        double share = heapMaxBytes <= 0 ? 0 : (double) used / heapMaxBytes;
        if (!shedding && share > SHED_ABOVE) {
            shedding = true;
            sheddingSinceNs = nowNs;
            LOG.log(System.Logger.Level.WARNING, String.format(java.util.Locale.ROOT,
                    "memory: %d MiB of the %d MiB heap in use after garbage collection (%.0f%%); refusing new writes with"
                            + " 'too many requests' until below %.0f%%", used >> 20, heapMaxBytes >> 20, share * 100, RESUME_BELOW * 100));
        } else if (shedding && share < RESUME_BELOW) {
            shedding = false;
            LOG.log(System.Logger.Level.WARNING, String.format(java.util.Locale.ROOT,
                    "memory: %d MiB of the %d MiB heap in use after garbage collection (%.0f%%); accepting writes again after %d ms",
                    used >> 20, heapMaxBytes >> 20, share * 100, (nowNs - sheddingSinceNs) / 1_000_000));
        }
    }
}
