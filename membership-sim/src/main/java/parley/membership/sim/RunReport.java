package parley.membership.sim;

/**
 * The outcome of one seeded run.
 *
 * @param firstDetectionNsMean    crash to the first running node suspecting it, mean over the crashes (-1: none)
 * @param allAwareNsMax           crash to every running node suspecting it or declaring it dead, worst crash
 * @param allDeadNsMax            crash to every running node declaring it DEAD, worst crash (-1: not all did)
 * @param crashesDisseminated     crashes known as DEAD to every running node within the run
 * @param falseSuspicions         running members suspected by running members (incidents: one per member
 *                                and incarnation, however far the gossip spread)
 * @param falseSuspicionsOfHealthy as above, of members that are not slow
 * @param falseDeaths             running members declared DEAD by some running member: false removals
 *                                (incidents, one per member and incarnation)
 * @param nodeHours               running nodes times simulated hours: the denominator of the rates
 * @param messagesPerNodeSecond   messages sent per running node per simulated second
 */
public record RunReport(
        long seed,
        int nodes,
        int crashes,
        long firstDetectionNsMean,
        long allAwareNsMax,
        long allDeadNsMax,
        int crashesDisseminated,
        long falseSuspicions,
        long falseSuspicionsOfHealthy,
        long falseDeaths,
        long refutations,
        double nodeHours,
        double messagesPerNodeSecond,
        long simulatedNs,
        long events,
        long stalls,
        long wallNs,
        long probeIntervalNs) {

    public boolean allDisseminated() {
        return crashesDisseminated == crashes;
    }

    public double falseSuspicionsPerNodeHour() {
        return nodeHours == 0 ? 0 : falseSuspicions / nodeHours;
    }

    public double falseSuspicionsOfHealthyPerNodeHour() {
        return nodeHours == 0 ? 0 : falseSuspicionsOfHealthy / nodeHours;
    }

    public double falseDeathsPerNodeHour() {
        return nodeHours == 0 ? 0 : falseDeaths / nodeHours;
    }

    /** A duration in protocol periods. */
    public double periods(long ns) {
        return ns < 0 ? Double.NaN : (double) ns / probeIntervalNs;
    }
}
