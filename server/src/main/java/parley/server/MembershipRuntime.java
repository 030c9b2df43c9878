package parley.server;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import parley.membership.Member;
import parley.membership.MemberState;
import parley.membership.MembershipListener;
import parley.membership.SwimConfig;
import parley.membership.SwimMessage;
import parley.membership.SwimNode;

/**
 * SWIM failure detection and membership in the real server: the same {@link SwimNode} the membership
 * simulator runs, on the node's {@link EventLoop} beside Raft, its messages on the peer transport.
 *
 * <p>What it decides is suspicion, nothing more. A member SWIM marks DEAD becomes a removal
 * candidate, which this node logs and reports (status page, metrics); it stays in the Raft
 * configuration, because only a configuration change committed through Raft may remove a member, and
 * gossip on either side of a partition can never commit one. Raft does its own failure handling (pre-vote and
 * check-quorum), so a slow leader that SWIM suspects does not cause an election either.
 */
public final class MembershipRuntime implements MembershipListener {
    private static final System.Logger LOG = System.getLogger(MembershipRuntime.class.getName());

    private final EventLoop loop;
    private final SwimNode swim;
    private final List<Member> founders;
    private final Set<Long> removalCandidates = new LinkedHashSet<>();
    private volatile View view;

    /** One member as this node sees it, with the phi suspicion level its messages earn. */
    public record MemberView(long id, String address, MemberState state, long incarnation, double phi, int suspicionConfirmations) {}

    /** This node's whole membership view, published after every SWIM event (safe from any thread). */
    public record View(long selfId, long selfIncarnation, int localHealthScore, List<MemberView> members,
                       List<Long> removalCandidates) {}

    /**
     * @param members every founding member's id and peer address, this node included
     * @param send    sends a SWIM message to a peer; must not block
     */
    public MembershipRuntime(long nodeId, EventLoop loop, Map<Long, String> members, BiConsumer<Long, SwimMessage> send,
                             SwimConfig config, LongSupplier clockNs) {
        this.loop = loop;
        RealEnv<SwimMessage> env = new RealEnv<>(nodeId, loop, send, this::onTimer, clockNs);
        // Incarnation 0 at every boot: a restarted node that hears of its older life refutes it with a higher one.
        this.swim = new SwimNode(env, config, members.getOrDefault(nodeId, ""), 0, this, members.size());
        List<Member> list = new ArrayList<>();
        members.forEach((id, address) -> list.add(new Member(id, address, 0, MemberState.ALIVE)));
        this.founders = List.copyOf(list);
    }

    /** Starts probing; the founders are known from the configuration, so no join is needed. */
    public void start() {
        loop.execute(() -> {
            swim.bootstrap(founders);
            swim.start(List.of());
            publish();
        });
    }

    /** A SWIM message from peer {@code from}, from any thread. */
    public void deliver(long from, SwimMessage message) {
        loop.execute(() -> {
            swim.onMessage(from, message);
            publish();
        });
    }

    /** Forgets {@code memberId}: call once a committed Raft configuration change removed it. */
    public void removeMember(long memberId) {
        loop.execute(() -> {
            swim.removeMember(memberId);
            removalCandidates.remove(memberId);
            publish();
        });
    }

    /** Announces a graceful leave (peers mark this node LEFT instead of suspecting it). */
    public void leave() {
        loop.execute(swim::leave);
    }

    private void onTimer(int timerId) {
        swim.onTimer(timerId);
        publish();
    }

    /** The latest view; null before {@link #start()} ran. */
    public View view() {
        return view;
    }

    private void publish() {
        List<MemberView> members = new ArrayList<>();
        for (Member m : swim.members()) {
            members.add(new MemberView(m.id(), m.address(), m.state(), m.incarnation(),
                    m.id() == swim.id() ? 0 : swim.phi(m.id()), swim.suspicionConfirmations(m.id())));
        }
        members.sort(Comparator.comparingLong(MemberView::id));
        view = new View(swim.id(), swim.incarnation(), swim.localHealthScore(), List.copyOf(members), List.copyOf(removalCandidates));
    }

    // ---- SwimNode's callbacks, on the loop ----

    @Override
    public void onStateChanged(Member member, MemberState previous) {
        LOG.log(System.Logger.Level.INFO, () -> "node " + swim.id() + ": member " + member.id() + " " + previous + " -> "
                + member.state() + " (incarnation " + member.incarnation() + ")");
        if (member.state() == MemberState.ALIVE) removalCandidates.remove(member.id());
    }

    @Override
    public void onRemovalCandidate(Member member) {
        removalCandidates.add(member.id());
        LOG.log(System.Logger.Level.WARNING, () -> "node " + swim.id() + ": member " + member.id() + " is " + member.state()
                + " in this node's view; it stays in the Raft configuration (only a committed configuration change removes a member)");
    }

    @Override
    public void onRefuted(long newIncarnation) {
        LOG.log(System.Logger.Level.INFO, () -> "node " + swim.id() + ": refuted a suspicion of itself; incarnation now " + newIncarnation);
    }
}
