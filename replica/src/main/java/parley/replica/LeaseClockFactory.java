package parley.replica;

import parley.kv.LeaseClock;
import parley.kv.LeaseTable;

/**
 * Makes a replica's {@link LeaseClock}. Both runtimes use {@link #STANDARD}; the seam exists so that
 * test code can run the simulator with a planted-bug clock and show that the lease check catches it.
 */
@FunctionalInterface
public interface LeaseClockFactory {
    LeaseClockFactory STANDARD = LeaseClock::new;

    LeaseClock create(LeaseTable leases, long expiryRetryNs);
}
