package parley.core.env;

/**
 * "Misbehave here, sometimes" (FoundationDB's BUGGIFY): a named fault site in protocol or replica
 * code, at a place where real systems break (a proposal retried, a snapshot chunk sent twice, a
 * sync that completes late). The code at the site asks {@link #fire} and, when told yes, does the
 * legal-but-unusual thing a real network, disk or scheduler could make it do.
 *
 * <p>Live only in simulation, where the seed decides which sites are on in a run and when an
 * enabled site fires; everywhere else {@link #OFF} answers no, so the server never misbehaves on
 * purpose. A site must only ever do what the real world could also do: firing one never excuses a
 * checker failure.
 */
@FunctionalInterface
public interface Buggify {
    /** Never fires: the real world's answer. */
    Buggify OFF = site -> false;

    /** Whether the code at {@code site} should misbehave this time. */
    boolean fire(String site);
}
