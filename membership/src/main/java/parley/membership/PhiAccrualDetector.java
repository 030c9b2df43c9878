package parley.membership;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The phi accrual failure detector (Hayashibara, Défago, Yared, Katayama, 2004). Instead of a yes/no
 * verdict it reports, per peer, a continuous suspicion level phi = -log10 P(a heartbeat still comes
 * after this much silence), estimated from the peer's recent inter-arrival times. phi 1 means a 10%
 * chance that the peer is merely late, phi 8 one in 10^8. A caller picks a {@link PhiConfig#threshold}
 * for the decisions it must make, or shows the level itself.
 *
 * <p><b>Local stalls.</b> A node that was itself paused (a GC pause, a starved CPU, a suspended VM)
 * sees silence from everyone and would convict them all. {@link #onLocalTimer} lets the runtime (or a
 * core that owns timers) report how late a local timer fired; a late firing marks a local stall:
 * the silence before it is not held against any peer, the interval spanning it is not recorded as a
 * sample, and no peer is convicted for {@link PhiConfig#localStallGraceMs} afterwards.
 *
 * <p>Deterministic and single-threaded: all times are readings of the caller's own monotonic clock
 * ({@code Env.nowNs()}), never compared with another node's.
 */
public final class PhiAccrualDetector {
    private static final long NS_PER_MS = 1_000_000L;

    private final PhiConfig config;
    private final Map<Long, ArrivalWindow> windows = new HashMap<>();
    /** When the last local stall ended; silence before it does not count. */
    private long stallEndNs = Long.MIN_VALUE;
    /** No convictions before this reading of the local clock. */
    private long convictionsSuppressedUntilNs = Long.MIN_VALUE;
    private long localStalls;

    public PhiAccrualDetector(PhiConfig config) {
        this.config = config;
    }

    public PhiConfig config() {
        return config;
    }

    /** Records a heartbeat (any sign of life) from {@code peer} at {@code nowNs}. */
    public void heartbeat(long peer, long nowNs) {
        ArrivalWindow window = windows.computeIfAbsent(peer, p -> new ArrivalWindow(config.windowSize()));
        long last = window.lastArrivalNs;
        // An interval that spans our own stall measures us, not the peer: keep it out of the window.
        if (last != Long.MIN_VALUE && nowNs > last && stallEndNs <= last) {
            window.add(nowNs - last);
        }
        if (nowNs > last) {
            window.lastArrivalNs = nowNs;
        }
    }

    /**
     * Reports that a local timer due at {@code scheduledNs} fired at {@code firedNs}. Firing later than
     * {@link PhiConfig#localStallThresholdMs} means this node itself stalled.
     */
    public void onLocalTimer(long scheduledNs, long firedNs) {
        if (firedNs - scheduledNs >= config.localStallThresholdMs() * NS_PER_MS) {
            localStalls++;
            stallEndNs = Math.max(stallEndNs, firedNs);
            convictionsSuppressedUntilNs = Math.max(convictionsSuppressedUntilNs, firedNs + config.localStallGraceMs() * NS_PER_MS);
        }
    }

    /** The suspicion level of {@code peer} now; 0 for a peer never heard from. */
    public double phi(long peer, long nowNs) {
        ArrivalWindow window = windows.get(peer);
        if (window == null || window.lastArrivalNs == Long.MIN_VALUE) {
            return 0;
        }
        long silenceNs = nowNs - Math.max(window.lastArrivalNs, stallEndNs);
        if (silenceNs <= 0) {
            return 0;
        }
        double meanNs;
        double stdNs;
        if (window.size() < 2) {
            meanNs = config.firstHeartbeatEstimateMs() * (double) NS_PER_MS;
            stdNs = meanNs / 4;
        } else {
            meanNs = window.meanNs();
            stdNs = window.stdDeviationNs();
        }
        stdNs = Math.max(stdNs, config.minStdDeviationMs() * (double) NS_PER_MS);
        double pauseNs = config.acceptableHeartbeatPauseMs() * (double) NS_PER_MS;
        double phi = switch (config.distribution()) {
            case NORMAL -> NormalTail.minusLog10Normal(silenceNs, meanNs + pauseNs, stdNs);
            case EXPONENTIAL -> NormalTail.minusLog10Exponential(Math.max(0, silenceNs - pauseNs), meanNs);
        };
        return Math.max(0, phi);
    }

    /** Whether {@code peer} is convicted now: phi at or above the threshold, outside a stall's grace. */
    public boolean isSuspected(long peer, long nowNs) {
        return nowNs >= convictionsSuppressedUntilNs && phi(peer, nowNs) >= config.threshold();
    }

    /** Whether convictions are suppressed now because this node itself stalled recently. */
    public boolean inLocalStallGrace(long nowNs) {
        return nowNs < convictionsSuppressedUntilNs;
    }

    /** How many local stalls were reported. */
    public long localStalls() {
        return localStalls;
    }

    /** Forgets {@code peer} (it was removed from the cluster). */
    public void remove(long peer) {
        windows.remove(peer);
    }

    /** The peers heard from, in no particular order. */
    public List<Long> peers() {
        return new ArrayList<>(windows.keySet());
    }

    /** Samples held for {@code peer} (for tests and status pages). */
    public int samples(long peer) {
        ArrivalWindow window = windows.get(peer);
        return window == null ? 0 : window.size();
    }
}
