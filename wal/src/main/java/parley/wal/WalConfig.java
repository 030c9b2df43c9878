package parley.wal;

/**
 * Limits and seams of a write-ahead log, validated on construction.
 *
 * @param segmentBytesMax the active segment is rolled before a batch that would take it past this
 *                        size (a segment exceeds it only when a single batch is larger)
 * @param recordBytesMax  the largest record (frame included) the log writes or believes during recovery;
 *                        a length field above it is treated as damage
 * @param channelFactory  opens every file channel (the seam for fault injection)
 * @param observer        fsync latency, torn tails, failure
 * @param zeroFillBytes   how far ahead of its writes the active segment is zero-filled (0: never; the
 *                        file then grows with every append, and every fdatasync commits a new size)
 * @param inlineSync      {@code FileRaftStorage} runs a sync as a task of its own on the node's executor
 *                        when the syncer thread is idle, instead of handing it to that thread and back
 *                        (two thread wake-ups less per write; the node's thread waits for the fsync)
 * @param fileSystem      every directory operation (listing, deleting, renaming, locking); channels come
 *                        from {@code channelFactory}, which {@link #withFileSystem} points at the same one
 * @param salts           draws each new segment's salt (unpredictable by default; seeded in simulation)
 * @param syncerThread    whether a syncer thread serves syncs the node's loop does not run inline; without
 *                        it (simulation: one thread, no wall clock) every sync must be inline
 */
public record WalConfig(long segmentBytesMax, int recordBytesMax, ChannelFactory channelFactory, WalObserver observer,
                        long zeroFillBytes, boolean inlineSync, WalFileSystem fileSystem,
                        java.util.function.IntSupplier salts, boolean syncerThread) {
    public static final long ZERO_FILL_BYTES_DEFAULT = 4L << 20;
    /** Salts must be unpredictable to clients, whose bytes end up in payloads. */
    private static final java.util.function.IntSupplier SALTS_DEFAULT = new java.security.SecureRandom()::nextInt;

    public static final long SEGMENT_BYTES_MAX_DEFAULT = 64L << 20;
    public static final int RECORD_BYTES_MAX_DEFAULT = 16 << 20;
    /** Upper bound for segmentBytesMax, so a segment (plus one batch) can be read as one array. */
    public static final long SEGMENT_BYTES_MAX_LIMIT = 1L << 30;
    /** Upper bound for one append call, for the same reason. */
    public static final int BATCH_BYTES_MAX = 512 << 20;

    public static final WalConfig DEFAULT =
            new WalConfig(SEGMENT_BYTES_MAX_DEFAULT, RECORD_BYTES_MAX_DEFAULT, ChannelFactory.DEFAULT, WalObserver.NONE,
                    ZERO_FILL_BYTES_DEFAULT, false, WalFileSystem.REAL, SALTS_DEFAULT, true);

    /** As before zero-filling existed (the last four settings), with the default zero fill. */
    public WalConfig(long segmentBytesMax, int recordBytesMax, ChannelFactory channelFactory, WalObserver observer) {
        this(segmentBytesMax, recordBytesMax, channelFactory, observer, ZERO_FILL_BYTES_DEFAULT, false, WalFileSystem.REAL, SALTS_DEFAULT, true);
    }

    public WalConfig {
        if (segmentBytesMax < 4096 || segmentBytesMax > SEGMENT_BYTES_MAX_LIMIT) {
            throw new IllegalArgumentException("segmentBytesMax must be in [4096, " + SEGMENT_BYTES_MAX_LIMIT + "]: " + segmentBytesMax);
        }
        if (recordBytesMax < 64 || recordBytesMax > BATCH_BYTES_MAX) {
            throw new IllegalArgumentException("recordBytesMax must be in [64, " + BATCH_BYTES_MAX + "]: " + recordBytesMax);
        }
        if (zeroFillBytes < 0 || zeroFillBytes > SEGMENT_BYTES_MAX_LIMIT) {
            throw new IllegalArgumentException("zeroFillBytes must be in [0, " + SEGMENT_BYTES_MAX_LIMIT + "]: " + zeroFillBytes);
        }
        if (channelFactory == null || observer == null || fileSystem == null || salts == null) {
            throw new IllegalArgumentException("channelFactory, observer, fileSystem and salts are required");
        }
        if (!syncerThread && !inlineSync) {
            throw new IllegalArgumentException("without a syncer thread every sync must run inline (inlineSync)");
        }
    }

    public WalConfig withSegmentBytesMax(long value) {
        return new WalConfig(value, recordBytesMax, channelFactory, observer, zeroFillBytes, inlineSync, fileSystem, salts, syncerThread);
    }

    public WalConfig withRecordBytesMax(int value) {
        return new WalConfig(segmentBytesMax, value, channelFactory, observer, zeroFillBytes, inlineSync, fileSystem, salts, syncerThread);
    }

    public WalConfig withChannelFactory(ChannelFactory value) {
        return new WalConfig(segmentBytesMax, recordBytesMax, value, observer, zeroFillBytes, inlineSync, fileSystem, salts, syncerThread);
    }

    public WalConfig withObserver(WalObserver value) {
        return new WalConfig(segmentBytesMax, recordBytesMax, channelFactory, value, zeroFillBytes, inlineSync, fileSystem, salts, syncerThread);
    }

    public WalConfig withZeroFillBytes(long value) {
        return new WalConfig(segmentBytesMax, recordBytesMax, channelFactory, observer, value, inlineSync, fileSystem, salts, syncerThread);
    }

    public WalConfig withInlineSync(boolean value) {
        return new WalConfig(segmentBytesMax, recordBytesMax, channelFactory, observer, zeroFillBytes, value, fileSystem, salts, syncerThread);
    }

    /** Runs on {@code value}: its directories, and channels opened by it. */
    public WalConfig withFileSystem(WalFileSystem value) {
        return new WalConfig(segmentBytesMax, recordBytesMax, value::open, observer, zeroFillBytes, inlineSync, value, salts, syncerThread);
    }

    /** One thread, seeded salts: every sync inline on the node's executor, no syncer thread. */
    public WalConfig singleThreaded(java.util.function.IntSupplier seededSalts) {
        return new WalConfig(segmentBytesMax, recordBytesMax, channelFactory, observer, zeroFillBytes, true, fileSystem, seededSalts, false);
    }
}
