package parley.core.env;

import java.util.SplittableRandom;

/**
 * A {@link RandomSource} over {@link SplittableRandom}: deterministic for a given seed, and cheap to
 * split into independent streams (one per node, one for the network, one for the nemesis).
 */
public final class SplittableRandomSource implements RandomSource {
    private final SplittableRandom random;

    public SplittableRandomSource(long seed) {
        this.random = new SplittableRandom(seed);
    }

    private SplittableRandomSource(SplittableRandom random) {
        this.random = random;
    }

    /** An independent stream derived deterministically from this one. */
    public SplittableRandomSource split() {
        return new SplittableRandomSource(random.split());
    }

    @Override public long nextLong() { return random.nextLong(); }
    @Override public int nextInt(int bound) { return random.nextInt(bound); }
    @Override public double nextDouble() { return random.nextDouble(); }
    @Override public long nextLong(long originInclusive, long boundExclusive) {
        return random.nextLong(originInclusive, boundExclusive);
    }
}
