package parley.torture;

import java.util.ArrayList;
import java.util.List;

/**
 * The keys clients work on and how they choose what to do: a small key set so that operations
 * conflict, values unique per write (client and counter) so that a read names the write it saw.
 *
 * @param keys          how many keys ({@code t/k0}, {@code t/k1}, ...)
 * @param readPercent   single-key linearizable reads
 * @param writePercent  single-key puts
 * @param casPercent    compare-and-set: a txn comparing the value, or the mod revision, then a put
 * @param txnPercent    multi-key txns (the rest): half write two keys at once, half read two keys at once
 */
public record Workload(int keys, int readPercent, int writePercent, int casPercent, int txnPercent) {
    /** All keys live under this prefix, which the watchers watch. */
    public static final String PREFIX = "t/";

    public Workload {
        if (keys < 2 || keys > 1000) throw new IllegalArgumentException("keys must be in [2, 1000], got " + keys);
        if (readPercent < 0 || writePercent < 0 || casPercent < 0 || txnPercent < 0
                || readPercent + writePercent + casPercent + txnPercent != 100) {
            throw new IllegalArgumentException("the operation mix must be non-negative and add up to 100");
        }
    }

    public static Workload standard(int keys) {
        return new Workload(keys, 35, 25, 25, 15);
    }

    List<String> keyNames() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < keys; i++) names.add(PREFIX + "k" + i);
        return names;
    }
}
