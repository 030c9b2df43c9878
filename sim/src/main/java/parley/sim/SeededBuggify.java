package parley.sim;

import java.util.Map;
import java.util.TreeMap;
import parley.core.env.Buggify;
import parley.core.env.SplittableRandomSource;

/**
 * The simulator's {@link Buggify}: per run, each fault site is on or off, decided by the seed and
 * the site's name alone (so the same sites are on whatever order the code first reaches them in);
 * an enabled site fires on a fixed share of the calls, drawn from a random stream of its own.
 * Most sites are off in most runs, so each run stresses a few places hard instead of every place
 * a little (FoundationDB's choice). Off until {@link #enable()}d.
 */
public final class SeededBuggify implements Buggify {
    /** One site in this many is on in a given run. */
    static final int ENABLED_ONE_IN = 4;
    /** An enabled site fires on one call in this many. */
    static final int FIRES_ONE_IN = 20;

    private final long seed;
    private boolean on;
    private final SplittableRandomSource random;
    private final Map<String, Boolean> enabled = new TreeMap<>();
    private final Map<String, Long> fired = new TreeMap<>();

    SeededBuggify(long seed, SplittableRandomSource random) {
        this.seed = seed;
        this.random = random;
    }

    /**
     * Turns the fault sites on for this run. Off by default, so that tests of the world itself see
     * exactly the latencies they configure; a protocol harness turns them on before its run starts.
     */
    public void enable() {
        on = true;
    }

    @Override
    public boolean fire(String site) {
        if (!on) return false;
        if (!enabled.computeIfAbsent(site, this::decide)) return false;
        if (random.nextInt(FIRES_ONE_IN) != 0) return false;
        fired.merge(site, 1L, Long::sum);
        return true;
    }

    private boolean decide(String site) {
        long h = seed * 0x9E3779B97F4A7C15L;
        for (int i = 0; i < site.length(); i++) h = (h ^ site.charAt(i)) * 0xBF58476D1CE4E5B9L;
        h ^= h >>> 31;
        return Math.floorMod(h, ENABLED_ONE_IN) == 0;
    }

    /** The sites reached so far, each with whether it is on in this run. */
    public Map<String, Boolean> sites() {
        return new TreeMap<>(enabled);
    }

    /** How often each site fired. */
    public Map<String, Long> fired() {
        return new TreeMap<>(fired);
    }
}
