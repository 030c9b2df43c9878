package parley.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The memory guard's decisions, on readings the test makes up: refuse past 85% after collection, resume below 70%. */
class MemoryGuardTest {
    private static final long HEAP_MAX = 1_000L << 20;

    @Test
    void shedsPastTheHighMarkAndResumesOnlyBelowTheLowOne() {
        AtomicLong usedAfterCollection = new AtomicLong(HEAP_MAX / 2);
        MemoryGuard guard = new MemoryGuard(usedAfterCollection::get, HEAP_MAX);
        guard.check(0);
        assertFalse(guard.shedding(), "half the heap in use: writes pass");
        usedAfterCollection.set(HEAP_MAX * 86 / 100);
        guard.check(1);
        assertTrue(guard.shedding(), "86% in use after collection: writes are refused");
        usedAfterCollection.set(HEAP_MAX * 75 / 100);
        guard.check(2);
        assertTrue(guard.shedding(), "between the marks nothing changes, so the node does not flap");
        usedAfterCollection.set(HEAP_MAX * 69 / 100);
        guard.check(3);
        assertFalse(guard.shedding(), "below 70%: writes pass again");
        usedAfterCollection.set(HEAP_MAX * 80 / 100);
        guard.check(4);
        assertFalse(guard.shedding(), "80% is below the high mark");
    }

    @Test
    void theRealJvmsGuardReadsItsHeapWithoutShedding() {
        MemoryGuard guard = MemoryGuard.forThisJvm();
        guard.check(System.nanoTime());
        assertFalse(guard.shedding(), "a test JVM is far from a full heap");
    }
}
