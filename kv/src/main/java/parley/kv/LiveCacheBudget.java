package parley.kv;

import parley.core.Check;

/**
 * The heap that the caches of live versions of all groups on one node may fill together, so that a
 * node hosting many groups holds a bounded cache however many there are. Each group's cache takes
 * bytes from it for an entry and gives them back when the entry goes; a cache that finds the budget
 * spent evicts its own least recently used entries first, and if it has none, does not cache.
 */
public final class LiveCacheBudget {
    /** A store's own budget when it shares none (tools, tests, a lone state machine). */
    public static final long GROUP_BYTES_DEFAULT = 16L << 20;
    /** The default for a node: hot keys of all its groups in 64 MiB of heap. */
    public static final long NODE_BYTES_DEFAULT = 64L << 20;

    private final long bytesMax;
    private long bytes;

    public LiveCacheBudget(long bytesMax) {
        Check.that(bytesMax >= 0, "a cache budget is not negative: %d", bytesMax);
        this.bytesMax = bytesMax;
    }

    /** Takes {@code amount} bytes if the budget has them; false (taking nothing) otherwise. */
    boolean take(long amount) {
        if (bytes + amount > bytesMax) return false;
        bytes += amount;
        return true;
    }

    void giveBack(long amount) {
        bytes -= amount;
        Check.that(bytes >= 0, "a cache gives back no more than it took (%d left)", bytes);
    }

    public long bytes() {
        return bytes;
    }

    public long bytesMax() {
        return bytesMax;
    }
}
