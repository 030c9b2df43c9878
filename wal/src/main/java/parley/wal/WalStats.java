package parley.wal;

/**
 * Counters of the log since it was opened; {@link WalObserver#onFsync} gives each fsync for a histogram.
 *
 * @param recordsAppended     records written
 * @param bytesAppended       bytes written, frames included
 * @param fsyncCount          fsyncs of the active segment by the group-commit thread
 * @param fsyncLatencyNsTotal their summed latency
 * @param fsyncLatencyNsMax   the slowest one
 * @param syncRequests        sync requests accepted (more than fsyncCount when group commit merges them)
 */
public record WalStats(long recordsAppended, long bytesAppended, long fsyncCount, long fsyncLatencyNsTotal,
                       long fsyncLatencyNsMax, long syncRequests) {
    /** Mean fsync latency, or 0 before the first fsync. */
    public long fsyncLatencyNsMean() {
        return fsyncCount == 0 ? 0 : fsyncLatencyNsTotal / fsyncCount;
    }
}
