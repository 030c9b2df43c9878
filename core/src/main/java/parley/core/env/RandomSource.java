package parley.core.env;

/**
 * The only source of randomness a protocol core may use. The simulator hands each node a stream split
 * from the run's seed, so the same seed gives the same run; the server seeds it once at start.
 */
public interface RandomSource {
    /** A uniformly distributed long. */
    long nextLong();

    /** A uniformly distributed int in [0, bound); bound must be positive. */
    int nextInt(int bound);

    /** A uniformly distributed double in [0, 1). */
    double nextDouble();

    /** A uniformly distributed long in [originInclusive, boundExclusive). */
    default long nextLong(long originInclusive, long boundExclusive) {
        if (originInclusive >= boundExclusive) {
            throw new IllegalArgumentException("empty range [" + originInclusive + ", " + boundExclusive + ")");
        }
        long span = boundExclusive - originInclusive;
        return originInclusive + Math.floorMod(nextLong(), span);
    }
}
