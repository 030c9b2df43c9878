package parley.transport;

import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Logs a transport's recurring problems (a peer that cannot be reached, a connection refused at the
 * handshake) once when they start, then at most once per {@link #REPEAT_NS} with how many times they
 * recurred meanwhile, and once more when they end: an operator sees a wrong address at once, and a
 * peer down for an hour costs a line a minute instead of a line per redial. Lines carry no stack
 * traces. Thread-safe; at most {@link #KEYS_MAX} problems are tracked at once.
 */
final class ProblemLog {
    private static final System.Logger LOG = System.getLogger(ProblemLog.class.getName());
    static final long REPEAT_NS = 60_000_000_000L;
    static final int KEYS_MAX = 1024;

    private final LongSupplier clockNs;
    private final Map<String, Tracked> problems = new LinkedHashMap<>();

    private static final class Tracked {
        final long startedNs;
        long loggedNs;
        long suppressed;

        Tracked(long nowNs) {
            startedNs = nowNs;
            loggedNs = nowNs;
        }
    }

    ProblemLog() {
        this(System::nanoTime);
    }

    ProblemLog(LongSupplier clockNs) {
        this.clockNs = clockNs;
    }

    /** Problem {@code key} happened (again); {@code line} says what, with the address involved. Returns whether it was logged. */
    synchronized boolean report(String key, String line) {
        long nowNs = clockNs.getAsLong();
        Tracked tracked = problems.get(key);
        if (tracked == null) {
            if (problems.size() >= KEYS_MAX) problems.clear();
            problems.put(key, new Tracked(nowNs));
            LOG.log(Level.WARNING, line);
            return true;
        }
        if (nowNs - tracked.loggedNs < REPEAT_NS) {
            tracked.suppressed++;
            return false;
        }
        LOG.log(Level.WARNING, line + " (still; " + (tracked.suppressed + 1) + " times in the last "
                + (nowNs - tracked.loggedNs) / 1_000_000_000L + " s)");
        tracked.loggedNs = nowNs;
        tracked.suppressed = 0;
        return true;
    }

    /** Problem {@code key}, if it was reported, is over; {@code line} says so. */
    synchronized void resolved(String key, String line) {
        Tracked tracked = problems.remove(key);
        if (tracked == null) return;
        LOG.log(Level.INFO, line + " (after " + (clockNs.getAsLong() - tracked.startedNs) / 1_000_000L + " ms)");
    }

    /** Whether problem {@code key} is going on. */
    synchronized boolean active(String key) {
        return problems.containsKey(key);
    }
}
