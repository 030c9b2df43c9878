package parley.check;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.BitSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The bit helpers agree with {@link BitSet}. */
class BitsTest {

    @Property(tries = 300)
    void agreesWithBitSet(@ForAll long seed, @ForAll @IntRange(min = 1, max = 300) int size, @ForAll @IntRange(min = 0, max = 299) int from,
            @ForAll @IntRange(min = 0, max = 299) int to) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        long[] words = Bits.words(size);
        BitSet reference = new BitSet(size);
        for (int i = 0; i < size; i++) {
            if (random.nextInt(3) > 0) {
                Bits.set(words, i);
                reference.set(i);
            }
        }
        int start = Math.min(from, size - 1);
        assertEquals(Math.min(reference.nextClearBit(start), size), Bits.nextClear(words, start, size));
        int end = Math.min(to, size - 1);
        long[] extracted = Bits.extract(words, start, end);
        BitSet expected = end < start ? new BitSet() : reference.get(start, end + 1);
        long[] expectedWords = java.util.Arrays.copyOf(expected.toLongArray(), end < start ? 0 : (end - start + 64) / 64);
        assertArrayEquals(expectedWords, extracted);
    }
}
