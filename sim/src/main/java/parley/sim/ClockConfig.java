package parley.sim;

/**
 * How the nodes' local clocks start. Each node draws a fixed drift in
 * {@code [-driftPpmMax, +driftPpmMax]} and a starting reading in {@code [0, offsetNsMax]}: clocks
 * of different nodes are never comparable, and a protocol that compares them shows up in simulation.
 *
 * @param driftPpmMax largest drift in parts per million (200 ppm = 0.2 ms per second)
 * @param offsetNsMax largest starting reading of a local clock
 */
public record ClockConfig(double driftPpmMax, long offsetNsMax) {
    public ClockConfig {
        if (!(driftPpmMax >= 0 && driftPpmMax < 100_000)) {
            throw new IllegalArgumentException("driftPpmMax must be in [0, 100000): " + driftPpmMax);
        }
        if (offsetNsMax < 0) {
            throw new IllegalArgumentException("offsetNsMax must be >= 0: " + offsetNsMax);
        }
    }

    /** Quartz-grade clocks: up to 200 ppm of drift, readings start anywhere within the first second. */
    public static ClockConfig quartz() {
        return new ClockConfig(200, 1_000_000_000L);
    }

    /** Perfect clocks: no drift, every local clock reads the global virtual time. */
    public static ClockConfig perfect() {
        return new ClockConfig(0, 0);
    }
}
