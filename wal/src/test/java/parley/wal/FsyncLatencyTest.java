package parley.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real fsyncs on the temp directory's disk: prints the latency (no timed assertions, the number
 * depends on the machine and its load) and how many requests one fsync serves under a burst.
 */
class FsyncLatencyTest {
    @TempDir
    Path dir;

    @Test
    void printsFsyncLatencyOfThisDisk() throws Exception {
        ConcurrentLinkedQueue<Long> latenciesNs = new ConcurrentLinkedQueue<>();
        WalConfig config = WalConfig.DEFAULT.withObserver(new WalObserver() {
            @Override public void onFsync(long latencyNs, long recordsCovered) { latenciesNs.add(latencyNs); }
        });
        int rounds = 200;
        try (WriteAheadLog wal = WalTesting.open(dir, config)) {
            for (int i = 0; i < rounds; i++) {
                wal.append(WalTesting.record(i, 1024));
                WalTesting.syncAndWait(wal);
            }
            long[] sorted = latenciesNs.stream().mapToLong(Long::longValue).sorted().toArray();
            assertEquals(rounds, sorted.length);
            System.out.printf("fsync of a 1 KiB append on %s (%d rounds): p50 %d us, p90 %d us, p99 %d us, max %d us, mean %d us%n",
                    dir, rounds, sorted[rounds / 2] / 1000, sorted[rounds * 9 / 10] / 1000, sorted[rounds * 99 / 100] / 1000,
                    sorted[rounds - 1] / 1000, wal.stats().fsyncLatencyNsMean() / 1000);

            int burst = 2000;
            long fsyncsBefore = wal.stats().fsyncCount();
            CountDownLatch done = new CountDownLatch(burst);
            long startNs = System.nanoTime();
            for (int i = 0; i < burst; i++) {
                wal.append(WalTesting.record(i, 256));
                wal.requestSync(done::countDown);
            }
            assertTrue(done.await(60, TimeUnit.SECONDS));
            long elapsedUs = (System.nanoTime() - startNs) / 1000;
            long fsyncs = wal.stats().fsyncCount() - fsyncsBefore;
            System.out.printf("group commit: %d appends each followed by a sync request took %d fsyncs in %d ms (%.0f syncs/s)%n",
                    burst, fsyncs, elapsedUs / 1000, burst * 1e6 / elapsedUs);
            assertTrue(fsyncs < burst, "group commit merges requests");
        }
    }
}
