package parley.sim;

/**
 * Everything that defines a simulated world, validated. The same configuration (seed included) and
 * the same processes give the same run, byte for byte.
 *
 * @param seed                    the one source of all randomness in the run
 * @param network                 network latency, loss and duplication
 * @param disk                    fsync latency
 * @param clock                   clock drift and offsets
 * @param maxEvents               hard cap on events processed over the world's life
 * @param maxEventsAtOneInstant   hard cap on consecutive events without virtual time advancing
 * @param pauseBufferMaxMessages  messages buffered for a paused node before further ones are dropped
 * @param trace                   where trace lines go; {@link Trace#off()} for speed
 */
public record SimConfig(long seed, NetworkConfig network, DiskConfig disk, ClockConfig clock, long maxEvents,
                        long maxEventsAtOneInstant, int pauseBufferMaxMessages, Trace trace) {
    public SimConfig {
        if (network == null || disk == null || clock == null || trace == null) {
            throw new IllegalArgumentException("network, disk, clock and trace must not be null");
        }
        if (maxEvents <= 0 || maxEventsAtOneInstant <= 0 || pauseBufferMaxMessages < 0) {
            throw new IllegalArgumentException("event caps must be positive and the pause buffer non-negative");
        }
    }

    /** A LAN, SSDs, quartz clocks, 50 million events at most, trace off. */
    public static SimConfig defaults(long seed) {
        return new SimConfig(seed, NetworkConfig.lan(), DiskConfig.ssd(), ClockConfig.quartz(), 50_000_000L,
                1_000_000L, 10_000, Trace.off());
    }

    public SimConfig withSeed(long newSeed) {
        return new SimConfig(newSeed, network, disk, clock, maxEvents, maxEventsAtOneInstant,
                pauseBufferMaxMessages, trace);
    }

    public SimConfig withNetwork(NetworkConfig newNetwork) {
        return new SimConfig(seed, newNetwork, disk, clock, maxEvents, maxEventsAtOneInstant,
                pauseBufferMaxMessages, trace);
    }

    public SimConfig withDisk(DiskConfig newDisk) {
        return new SimConfig(seed, network, newDisk, clock, maxEvents, maxEventsAtOneInstant,
                pauseBufferMaxMessages, trace);
    }

    public SimConfig withClock(ClockConfig newClock) {
        return new SimConfig(seed, network, disk, newClock, maxEvents, maxEventsAtOneInstant,
                pauseBufferMaxMessages, trace);
    }

    public SimConfig withMaxEvents(long newMaxEvents) {
        return new SimConfig(seed, network, disk, clock, newMaxEvents, maxEventsAtOneInstant,
                pauseBufferMaxMessages, trace);
    }

    public SimConfig withTrace(Trace newTrace) {
        return new SimConfig(seed, network, disk, clock, maxEvents, maxEventsAtOneInstant,
                pauseBufferMaxMessages, newTrace);
    }
}
