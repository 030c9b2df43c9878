package parley.replica;

import parley.raft.RaftRole;

/**
 * What a replica tells the runtime around it, for metrics, membership views and the simulator's
 * ledger. Called on the replica's thread; must not call back into the replica.
 */
public interface ReplicaObserver {
    ReplicaObserver NONE = new ReplicaObserver() {};

    /** A command was applied here at {@code index} (every replica reports every command). */
    default void onApplied(long index, long clientId, long sequence, byte[] result) {}

    /** Role, term or known leader changed. */
    default void onRoleChanged(RaftRole role, long term, long leaderId) {}

    /** The leader this replica believes in changed from one known leader to another. */
    default void onLeaderChanged(long leaderId) {}

    /** {@code count} of this replica's writes were accepted for consensus. */
    default void onProposed(int count) {}

    /** An applied, final configuration no longer holds {@code memberId}. */
    default void onMemberRemoved(long memberId) {}
}
