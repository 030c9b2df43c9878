package parley.membership;

/**
 * A bounded ring of one peer's heartbeat inter-arrival times with running sums, so the mean and the
 * variance cost O(1) per heartbeat whatever the window size.
 */
final class ArrivalWindow {
    private static final int INITIAL_CAPACITY = 4;

    private final int capacity;
    /** Grows up to {@code capacity}: a peer heard from twice should not cost a full window. */
    private long[] intervalsNs;
    private int size;
    private int next;
    private double sumNs;
    private double sumSquaresNs;
    /** Arrival time of the last heartbeat, in the local clock; {@link Long#MIN_VALUE} before the first. */
    long lastArrivalNs = Long.MIN_VALUE;

    ArrivalWindow(int capacity) {
        this.capacity = capacity;
        this.intervalsNs = new long[Math.min(capacity, INITIAL_CAPACITY)];
    }

    void add(long intervalNs) {
        if (size == intervalsNs.length && size < capacity) {
            // Never evicted yet, so the ring holds the samples in insertion order from slot 0.
            intervalsNs = java.util.Arrays.copyOf(intervalsNs, Math.min(capacity, size * 2));
            next = size;
        }
        if (size == intervalsNs.length) {
            long evicted = intervalsNs[next];
            sumNs -= evicted;
            sumSquaresNs -= (double) evicted * evicted;
        } else {
            size++;
        }
        intervalsNs[next] = intervalNs;
        next = (next + 1) % intervalsNs.length;
        sumNs += intervalNs;
        sumSquaresNs += (double) intervalNs * intervalNs;
    }

    int size() {
        return size;
    }

    double meanNs() {
        return size == 0 ? 0 : sumNs / size;
    }

    double stdDeviationNs() {
        if (size < 2) return 0;
        double mean = meanNs();
        // Running sums can make a tiny negative variance through rounding.
        return Math.sqrt(Math.max(0, sumSquaresNs / size - mean * mean));
    }
}
