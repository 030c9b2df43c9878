package parley.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import parley.core.env.SplittableRandomSource;

class PhiAccrualDetectorTest {
    private static final long MS = 1_000_000L;

    private static PhiAccrualDetector regular(PhiConfig config, long intervalMs, int beats) {
        PhiAccrualDetector detector = new PhiAccrualDetector(config);
        for (int i = 0; i < beats; i++) detector.heartbeat(7, i * intervalMs * MS);
        return detector;
    }

    @Test
    void normalTailMatchesKnownValues() {
        assertEquals(Math.log10(2), NormalTail.minusLog10Normal(0, 0, 1), 1e-6, "P(Z > 0) = 1/2");
        assertEquals(-Math.log10(0.0013498980), NormalTail.minusLog10Normal(3, 0, 1), 1e-5, "P(Z > 3)");
        assertEquals(-Math.log10(0.8413447461), NormalTail.minusLog10Normal(-1, 0, 1), 1e-6, "P(Z > -1)");
        // Far in the tail the value stays finite and keeps growing (no underflow to infinity).
        double far = NormalTail.minusLog10Normal(40, 0, 1);
        assertTrue(far > 300 && Double.isFinite(far), "phi at 40 sigma: " + far);
    }

    @Test
    void phiGrowsWithSilenceAndConvictsARegularPeerSoonAfterItIsLate() {
        PhiAccrualDetector detector = regular(PhiConfig.defaults(), 1000, 50);
        long last = 49 * 1000 * MS;
        assertEquals(0, detector.phi(7, last), 1e-9);
        assertTrue(detector.phi(7, last + 900 * MS) < 1, "before the usual interval, little suspicion");
        assertFalse(detector.isSuspected(7, last + 1100 * MS));
        // Perfectly regular: the std floor (100 ms) governs; 8 = about 5.6 sigma past the mean.
        assertTrue(detector.isSuspected(7, last + 1600 * MS));
        assertEquals(0, detector.phi(99, last), "never heard of: no suspicion");
    }

    @Test
    void aJitteryPeerEarnsAWiderCurveThanARegularOne() {
        PhiConfig config = PhiConfig.defaults();
        PhiAccrualDetector calm = regular(config, 1000, 100);
        PhiAccrualDetector jittery = new PhiAccrualDetector(config);
        SplittableRandomSource random = new SplittableRandomSource(3);
        long t = 0;
        for (int i = 0; i < 100; i++) {
            t += (600 + random.nextInt(800)) * MS;
            jittery.heartbeat(7, t);
        }
        double calmPhi = calm.phi(7, 99 * 1000 * MS + 1500 * MS);
        double jitteryPhi = jittery.phi(7, t + 1500 * MS);
        assertTrue(calmPhi > 2 * jitteryPhi, "calm " + calmPhi + " vs jittery " + jitteryPhi);
    }

    @Test
    void acceptablePauseShiftsTheCurve() {
        PhiAccrualDetector strict = regular(PhiConfig.defaults(), 1000, 20);
        PhiAccrualDetector lenient = regular(PhiConfig.defaults().withAcceptableHeartbeatPauseMs(3000), 1000, 20);
        long at = 19_000 * MS + 2500 * MS;
        assertTrue(strict.isSuspected(7, at));
        assertFalse(lenient.isSuspected(7, at));
    }

    @Test
    void exponentialModelIsLinearInSilence() {
        PhiAccrualDetector detector = regular(PhiConfig.defaults().withDistribution(PhiConfig.Distribution.EXPONENTIAL), 1000, 10);
        long last = 9_000 * MS;
        assertEquals(3 / Math.log(10), detector.phi(7, last + 3000 * MS), 1e-9);
    }

    @Test
    void aLocalStallConvictsNobodyAndIsNotLearnedAsAnInterval() {
        PhiConfig config = PhiConfig.defaults().withLocalStall(1000, 3000);
        PhiAccrualDetector detector = regular(config, 1000, 30);
        long last = 29_000 * MS;
        // This node was frozen for 10 s: its 1 s timer fires 10 s late.
        long woke = last + 11_000 * MS;
        detector.onLocalTimer(last + 1000 * MS, woke);
        assertEquals(1, detector.localStalls());
        assertFalse(detector.isSuspected(7, woke), "silence during our own stall is not the peer's fault");
        assertTrue(detector.inLocalStallGrace(woke + 2000 * MS));
        detector.heartbeat(7, woke + 200 * MS);
        assertEquals(29, detector.samples(7), "the interval spanning the stall is not a sample");
        assertFalse(detector.isSuspected(7, woke + 1000 * MS));
        // Once the grace is over, a peer that stays silent is convicted as usual.
        assertTrue(detector.isSuspected(7, woke + 200 * MS + 5000 * MS));
    }

    @Test
    void aTimerOnTimeIsNoStall() {
        PhiAccrualDetector detector = regular(PhiConfig.defaults(), 1000, 10);
        detector.onLocalTimer(10_000 * MS, 10_000 * MS + 900 * MS);
        assertEquals(0, detector.localStalls());
    }

    @Property(tries = 200)
    void phiNeverDecreasesWithSilenceAndIsNeverNegative(@ForAll @LongRange(min = 1, max = 1_000_000) long seed,
                                                         @ForAll @IntRange(min = 2, max = 60) int beats,
                                                         @ForAll boolean exponential) {
        PhiConfig config = PhiConfig.defaults().withWindowSize(20)
                .withDistribution(exponential ? PhiConfig.Distribution.EXPONENTIAL : PhiConfig.Distribution.NORMAL);
        PhiAccrualDetector detector = new PhiAccrualDetector(config);
        SplittableRandomSource random = new SplittableRandomSource(seed);
        long t = 0;
        for (int i = 0; i < beats; i++) {
            t += (1 + random.nextInt(3000)) * MS;
            detector.heartbeat(1, t);
        }
        double previous = 0;
        for (long silenceMs = 0; silenceMs <= 60_000; silenceMs += 250) {
            double phi = detector.phi(1, t + silenceMs * MS);
            assertTrue(phi >= 0 && Double.isFinite(phi), "phi " + phi);
            assertTrue(phi >= previous - 1e-9, "phi fell from " + previous + " to " + phi + " at " + silenceMs + " ms");
            previous = phi;
        }
    }

    @Property(tries = 100)
    void theWindowKeepsOnlyTheNewestSamples(@ForAll @IntRange(min = 2, max = 50) int window, @ForAll @IntRange(min = 1, max = 200) int beats) {
        PhiAccrualDetector detector = new PhiAccrualDetector(PhiConfig.defaults().withWindowSize(window));
        for (int i = 0; i <= beats; i++) detector.heartbeat(1, i * 1000 * MS);
        assertEquals(Math.min(window, beats), detector.samples(1));
    }
}
