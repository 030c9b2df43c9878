package parley.sim;

/**
 * How the simulated disks behave.
 *
 * @param fsyncLatency delay between {@link SimDisk#sync} and its completion
 */
public record DiskConfig(LatencyModel fsyncLatency) {
    public DiskConfig {
        if (fsyncLatency == null) {
            throw new IllegalArgumentException("fsyncLatency must not be null");
        }
    }

    /** An SSD: 50 us floor plus an exponential tail of mean 150 us, capped at 20 ms. */
    public static DiskConfig ssd() {
        return new DiskConfig(new LatencyModel.Exponential(50_000, 150_000, 20_000_000));
    }
}
