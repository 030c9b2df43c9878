package parley.membership;

/**
 * {@code -log10} of upper tail probabilities, computed in log space so that a peer silent for many
 * standard deviations gets a large finite phi instead of an underflow to infinity.
 */
final class NormalTail {
    private static final double LN_10 = Math.log(10);
    private static final double SQRT_2 = Math.sqrt(2);

    private NormalTail() {}

    /** {@code -log10 P(X > x)} for X ~ N(mean, std), std > 0. */
    static double minusLog10Normal(double x, double mean, double std) {
        double z = (x - mean) / std;
        if (z < 0) {
            // P(X > x) = 1 - 0.5 * erfc(-z / sqrt 2), never below one half: no precision problem.
            double tail = 1 - 0.5 * Math.exp(lnErfc(-z / SQRT_2));
            return -Math.log10(tail);
        }
        return -(Math.log(0.5) + lnErfc(z / SQRT_2)) / LN_10;
    }

    /** {@code -log10 P(X > x)} for X exponential with the given mean: x / (mean ln 10). */
    static double minusLog10Exponential(double x, double mean) {
        return x <= 0 ? 0 : x / (mean * LN_10);
    }

    /**
     * ln erfc(u) for u >= 0, from the Chebyshev fit in Numerical Recipes (erfcc, fractional error
     * below 1.2e-7 everywhere), kept in log space.
     */
    static double lnErfc(double u) {
        if (u < 0) throw new IllegalArgumentException("lnErfc needs u >= 0: " + u);
        double t = 1.0 / (1.0 + 0.5 * u);
        double poly = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277))))))));
        return Math.log(t) - u * u + poly;
    }
}
