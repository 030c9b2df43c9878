package parley.harness;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import parley.core.Check;

/**
 * Judges lease expiry as it happens: no lease may expire before its TTL has passed, by the clock of
 * whichever leader decided it, since the last refresh a holder was told succeeded.
 *
 * <p>Why this is exact enough to be sound: a leader renews a lease's deadline when it proposes the
 * keep-alive (or picks up the grant), which is after the holder sent it; a later leader renews every
 * lease to a full TTL when it wins, which (for a keep-alive that committed) is after the keep-alive
 * was proposed. So whichever leader proposes the expiry has seen its own clock advance a full TTL
 * since the holder sent its last acknowledged refresh. The ledger does not know which leader that
 * was, so it asks whether <em>any</em> server's clock (drift and forward jumps included) advanced a
 * full TTL between the refresh's sending and the first replica applying the expiry; if none did, the
 * lease expired early. A planted bug that expires by the wrong clock is caught by exactly this.
 */
public final class LeaseLedger {
    /** What a run's leases did, for reports and for tests that the check had something to judge. */
    public record Stats(int granted, int refreshes, int expired) {}

    private record Refresh(long ttlNs, long[] serverClocksNs) {}

    private final Map<Long, Refresh> lastRefresh = new HashMap<>();
    private final Map<Long, long[]> expiredAt = new HashMap<>();
    private int granted;
    private int refreshes;

    /**
     * A holder was told that lease {@code leaseId} lives {@code ttlSeconds} from a refresh (grant or
     * keep-alive) it sent when the servers' clocks read {@code serverClocksNsAtSend}.
     */
    void refreshed(long holder, long leaseId, long ttlSeconds, long[] serverClocksNsAtSend, boolean grant) {
        if (grant) granted++;
        refreshes++;
        Refresh refresh = new Refresh(ttlSeconds * 1_000_000_000L, serverClocksNsAtSend.clone());
        Refresh previous = lastRefresh.get(leaseId);
        // Replies can arrive out of order; what matters is the latest refresh sent.
        if (previous == null || sentLater(refresh, previous)) lastRefresh.put(leaseId, refresh);
        long[] expiry = expiredAt.get(leaseId);
        if (expiry != null) check("holder c" + holder, leaseId, refresh, expiry);
    }

    /** Some replica applied the expiry of {@code leaseId} while the servers' clocks read {@code serverClocksNs}. */
    void expired(long nodeId, long leaseId, long[] serverClocksNs) {
        if (expiredAt.containsKey(leaseId)) return; // the first replica to apply it is the earliest
        expiredAt.put(leaseId, serverClocksNs.clone());
        Refresh refresh = lastRefresh.get(leaseId);
        if (refresh != null) check("n" + nodeId, leaseId, refresh, serverClocksNs);
    }

    Stats stats() {
        return new Stats(granted, refreshes, expiredAt.size());
    }

    private static boolean sentLater(Refresh a, Refresh b) {
        return a.serverClocksNs()[0] > b.serverClocksNs()[0]; // clocks are monotonic: any one orders sends
    }

    private static void check(String reporter, long leaseId, Refresh refresh, long[] expiryClocksNs) {
        long mostAdvancedNs = Long.MIN_VALUE;
        for (int i = 0; i < expiryClocksNs.length; i++) {
            mostAdvancedNs = Math.max(mostAdvancedNs, expiryClocksNs[i] - refresh.serverClocksNs()[i]);
        }
        Check.that(mostAdvancedNs >= refresh.ttlNs(),
                "lease expiry: lease %d expired (found by %s) when no server's clock had advanced its TTL of %d ms "
                        + "since the last refresh its holder was told succeeded (most advanced clock: %d ms; readings at refresh %s, at expiry %s)",
                leaseId, reporter, refresh.ttlNs() / 1_000_000, mostAdvancedNs / 1_000_000,
                Arrays.toString(refresh.serverClocksNs()), Arrays.toString(expiryClocksNs));
    }
}
