package parley.sim;

import parley.core.env.RandomSource;

/**
 * A distribution of delays in nanoseconds, used for message latency and fsync latency. Sampling draws
 * only from the given seeded source and uses {@link StrictMath}, so the same stream gives the same
 * delays on every JVM.
 */
public sealed interface LatencyModel {

    /** Draws one delay, never negative. */
    long sampleNs(RandomSource random);

    /** Every delay is exactly {@code latencyNs}: no reordering at all. */
    record Fixed(long latencyNs) implements LatencyModel {
        public Fixed {
            if (latencyNs < 0) {
                throw new IllegalArgumentException("latencyNs must be >= 0: " + latencyNs);
            }
        }

        @Override
        public long sampleNs(RandomSource random) {
            return latencyNs;
        }
    }

    /**
     * {@code baseNs} plus an exponentially distributed tail with mean {@code tailMeanNs}, capped at
     * {@code maxNs}. The usual LAN shape: a floor, mostly fast, occasionally slow.
     */
    record Exponential(long baseNs, long tailMeanNs, long maxNs) implements LatencyModel {
        public Exponential {
            if (baseNs < 0 || tailMeanNs < 0 || maxNs < baseNs) {
                throw new IllegalArgumentException(
                        "need 0 <= baseNs <= maxNs and tailMeanNs >= 0: " + baseNs + ", " + tailMeanNs + ", " + maxNs);
            }
        }

        @Override
        public long sampleNs(RandomSource random) {
            if (tailMeanNs == 0) {
                return baseNs;
            }
            double tailNs = -tailMeanNs * StrictMath.log(1.0 - random.nextDouble());
            return Math.min(maxNs, baseNs + (long) tailNs);
        }
    }

    /**
     * {@code baseNs} plus a log-normal tail with median {@code medianNs} and shape {@code sigma},
     * capped at {@code maxNs}: a heavier tail than {@link Exponential}, as seen across data centres.
     */
    record LogNormal(long baseNs, long medianNs, double sigma, long maxNs) implements LatencyModel {
        public LogNormal {
            if (baseNs < 0 || medianNs < 0 || sigma < 0 || maxNs < baseNs) {
                throw new IllegalArgumentException("invalid log-normal latency: " + baseNs + ", " + medianNs
                        + ", " + sigma + ", " + maxNs);
            }
        }

        @Override
        public long sampleNs(RandomSource random) {
            double u1 = 1.0 - random.nextDouble(); // (0, 1]: log is finite
            double u2 = random.nextDouble();
            double gaussian = StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * StrictMath.PI * u2);
            double tailNs = medianNs * StrictMath.exp(sigma * gaussian);
            return Math.min(maxNs, baseNs + (long) Math.min(tailNs, (double) maxNs));
        }
    }
}
