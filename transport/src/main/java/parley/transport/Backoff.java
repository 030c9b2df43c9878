package parley.transport;

import java.util.random.RandomGenerator;

/**
 * Reconnect delays: exponential in the number of consecutive failed attempts, capped, with "equal
 * jitter" (a uniform draw from the upper half of the capped delay), so that nodes that lost a peer at
 * the same moment do not redial in lockstep, yet never retry sooner than half the nominal delay.
 */
final class Backoff {
    private final long delayMsMin;
    private final long delayMsMax;

    Backoff(long delayMsMin, long delayMsMax) {
        if (delayMsMin <= 0 || delayMsMax < delayMsMin) {
            throw new IllegalArgumentException("need 0 < delayMsMin <= delayMsMax: " + delayMsMin + ", " + delayMsMax);
        }
        this.delayMsMin = delayMsMin;
        this.delayMsMax = delayMsMax;
    }

    /** The nominal (unjittered) delay before retry number {@code attempt}, counting from 0. */
    long nominalDelayMs(int attempt) {
        if (attempt < 0) throw new IllegalArgumentException("attempt must be >= 0: " + attempt);
        // Shift no further than keeps the value positive; the cap applies long before that anyway.
        int shift = Math.min(attempt, Long.numberOfLeadingZeros(delayMsMin) - 1);
        long delay = delayMsMin << shift;
        return Math.min(delay, delayMsMax);
    }

    /** The jittered delay before retry number {@code attempt}: in [nominal / 2, nominal]. */
    long delayMs(int attempt, RandomGenerator random) {
        long nominal = nominalDelayMs(attempt);
        long half = nominal / 2;
        return half + random.nextLong(nominal - half + 1);
    }
}
