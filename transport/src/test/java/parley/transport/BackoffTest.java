package parley.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void doublesFromTheMinimumUpToTheMaximum() {
        Backoff backoff = new Backoff(50, 1000);
        assertEquals(50, backoff.nominalDelayMs(0));
        assertEquals(100, backoff.nominalDelayMs(1));
        assertEquals(800, backoff.nominalDelayMs(4));
        assertEquals(1000, backoff.nominalDelayMs(5));
        assertEquals(1000, backoff.nominalDelayMs(1_000_000));
    }

    @Property
    void jitteredDelayStaysInTheUpperHalfOfTheCappedDelay(@ForAll @LongRange(min = 1, max = 1L << 40) long min,
                                                          @ForAll @LongRange(min = 0, max = 1L << 40) long extra,
                                                          @ForAll @IntRange(min = 0, max = 10_000) int attempt,
                                                          @ForAll long seed) {
        Backoff backoff = new Backoff(min, min + extra);
        long nominal = backoff.nominalDelayMs(attempt);
        long delay = backoff.delayMs(attempt, new SplittableRandom(seed));
        assertTrue(nominal >= min && nominal <= min + extra, "nominal " + nominal);
        assertTrue(delay >= nominal / 2 && delay <= nominal, "delay " + delay + " for nominal " + nominal);
    }
}
