package parley.membership;

/**
 * What a {@link SwimNode} tells its runtime. Callbacks run inside the node's event handler and must not
 * call back into the node (it is not re-entrant); queue work for later instead.
 *
 * <p><b>Suspected is not removed.</b> {@link #onRemovalCandidate} is the only path from gossip towards
 * a configuration change, and it is a proposal, not a decision: the runtime routes it through consensus
 * (the server proposes a Raft configuration change), and only a committed change makes every node call
 * {@link SwimNode#removeMember}. Two sides of a partition therefore cannot each remove the other: only
 * the side holding a Raft majority can commit anything.
 */
public interface MembershipListener {
    /** A member appeared in this node's view (join, or learned through gossip). */
    default void onJoined(Member member) {}

    /** A member's state or incarnation changed in this node's view. */
    default void onStateChanged(Member member, MemberState previous) {}

    /** A member came back (ALIVE at a higher incarnation) with a different address than before. */
    default void onAddressChanged(Member member, String previousAddress) {}

    /**
     * This node now believes {@code member} is DEAD or LEFT. The runtime may propose its removal through
     * consensus; the node itself keeps the member in its view (marked) until {@link SwimNode#removeMember}.
     */
    default void onRemovalCandidate(Member member) {}

    /** This node learned it was suspected or declared dead and refuted with a new incarnation. */
    default void onRefuted(long newIncarnation) {}

    /** A listener that ignores everything. */
    MembershipListener NONE = new MembershipListener() {};
}
