package parley.membership;

/**
 * Counters of one {@link SwimNode}, for metrics pages and the simulator's reports.
 *
 * @param probes              probes started
 * @param probesFailed        probes that ended without any ack (direct or indirect)
 * @param probesAbandoned     probes dropped because this node itself stalled while they were in flight
 * @param indirectRequests    ping-req messages sent
 * @param suspicionsRaised    suspicions this node raised from its own failed probes
 * @param refutations         times this node refuted a suspicion or death about itself
 * @param nacksReceived       Lifeguard nacks received
 * @param messagesSent        messages of any kind sent
 * @param forwardsRefused     ping-reqs refused because {@link SwimConfig#forwardsMax} were in flight
 */
public record SwimStats(long probes, long probesFailed, long probesAbandoned, long indirectRequests, long suspicionsRaised,
                        long refutations, long nacksReceived, long messagesSent, long forwardsRefused) {

    /** The mutable counters behind a snapshot; only the node writes them. */
    static final class Counters {
        long probes, probesFailed, probesAbandoned, indirectRequests, suspicionsRaised, refutations, nacksReceived, messagesSent, forwardsRefused;

        SwimStats snapshot() {
            return new SwimStats(probes, probesFailed, probesAbandoned, indirectRequests, suspicionsRaised, refutations, nacksReceived, messagesSent, forwardsRefused);
        }
    }
}
