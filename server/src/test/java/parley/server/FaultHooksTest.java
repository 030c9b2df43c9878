package parley.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import parley.wal.ChannelFactory;

class FaultHooksTest {
    @Test
    void aForwardStepMovesTheClockAheadAndABackwardStepNeverMakesItRunBackwards() {
        FaultHooks hooks = new FaultHooks();
        long before = hooks.nowNs();
        hooks.clock(10_000, 1.0);
        long ahead = hooks.nowNs();
        assertTrue(ahead - before >= 10_000_000_000L, "stepped 10 s ahead: " + (ahead - before));
        hooks.clock(-60_000, 1.0);
        long afterBackStep = hooks.nowNs();
        assertTrue(afterBackStep >= ahead, "monotonic despite a backward step");
        assertTrue(afterBackStep - ahead < 1_000_000_000L, "the clock holds still instead of jumping back");
    }

    @Test
    void aFastClockRunsAheadOfRealTime() throws InterruptedException {
        FaultHooks hooks = new FaultHooks();
        hooks.clock(0, 4.0);
        long realStart = System.nanoTime();
        long faultStart = hooks.nowNs();
        Thread.sleep(50);
        long faultElapsed = hooks.nowNs() - faultStart;
        long realElapsed = System.nanoTime() - realStart;
        assertTrue(faultElapsed > 2 * realElapsed, "rate 4: " + faultElapsed + " ns vs real " + realElapsed);
        assertThrows(IllegalArgumentException.class, () -> hooks.clock(0, 0));
    }

    @Test
    void fsyncWaitsTheInjectedDelay(@TempDir Path dir) throws Exception {
        FaultHooks hooks = new FaultHooks();
        ChannelFactory factory = hooks.channelFactory(ChannelFactory.DEFAULT);
        try (FileChannel channel = factory.open(dir.resolve("f"), Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE))) {
            channel.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            hooks.fsyncDelayMs(120);
            long start = System.nanoTime();
            channel.force(false);
            assertTrue(System.nanoTime() - start >= 120_000_000L, "fsync delayed");
            hooks.reset();
            assertEquals(0, hooks.fsyncDelayMs());
            assertEquals(3, channel.size());
        }
    }
}
