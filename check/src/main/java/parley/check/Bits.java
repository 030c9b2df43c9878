package parley.check;

/** Bit-set helpers over {@code long[]} words, for the search's hot path. */
final class Bits {
    private Bits() {}

    static long[] words(int bitCount) {
        return new long[(bitCount + 63) >>> 6];
    }

    static boolean get(long[] words, int bit) {
        return (words[bit >>> 6] & (1L << bit)) != 0;
    }

    static void set(long[] words, int bit) {
        words[bit >>> 6] |= 1L << bit;
    }

    static void clear(long[] words, int bit) {
        words[bit >>> 6] &= ~(1L << bit);
    }

    /** The first clear bit at or after {@code from}, or {@code limit} if all bits up to it are set. */
    static int nextClear(long[] words, int from, int limit) {
        int w = from >>> 6;
        if (w >= words.length) {
            return limit;
        }
        long inverted = ~words[w] & (-1L << from);
        while (inverted == 0) {
            if (++w == words.length) {
                return limit;
            }
            inverted = ~words[w];
        }
        return Math.min(limit, (w << 6) + Long.numberOfTrailingZeros(inverted));
    }

    /** Bits {@code [from, toInclusive]} of {@code words}, shifted down so bit {@code from} is bit 0. */
    static long[] extract(long[] words, int from, int toInclusive) {
        if (toInclusive < from) {
            return new long[0];
        }
        int length = toInclusive - from + 1;
        long[] out = new long[(length + 63) >>> 6];
        int shift = from & 63;
        int base = from >>> 6;
        for (int i = 0; i < out.length; i++) {
            long low = words[base + i] >>> shift;
            long high = shift != 0 && base + i + 1 < words.length ? words[base + i + 1] << (64 - shift) : 0;
            out[i] = low | high;
        }
        int spare = out.length * 64 - length;
        if (spare > 0) {
            out[out.length - 1] &= -1L >>> spare;
        }
        return out;
    }
}
