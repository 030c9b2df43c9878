package parley.core;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import parley.core.env.SplittableRandomSource;

class CheckTest {
    @Test
    void violationNamesTheInvariant() {
        var e = assertThrows(Check.InvariantViolation.class, () -> Check.that(false, "commit %d <= last %d", 5, 3));
        assertEquals("invariant violated: commit 5 <= last 3", e.getMessage());
        assertDoesNotThrow(() -> Check.that(true, "holds"));
    }

    @Property
    void sameSeedSameStream(@ForAll long seed, @ForAll @LongRange(min = 1, max = 1000) long bound) {
        var a = new SplittableRandomSource(seed);
        var b = new SplittableRandomSource(seed);
        for (int i = 0; i < 20; i++) {
            assertEquals(a.nextLong(0, bound), b.nextLong(0, bound));
        }
    }
}
