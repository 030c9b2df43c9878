package parley.membership;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

import parley.core.env.RandomSource;

/**
 * One node's beliefs and SWIM's precedence rules for changing them. An update about another member
 * wins when it is newer:
 * <ul>
 *   <li>ALIVE(i) overrides anything of an incarnation below i (a refutation, or a rejoin after DEAD/LEFT);</li>
 *   <li>SUSPECT(i) overrides ALIVE(j) for i >= j and SUSPECT(j) for i > j; SUSPECT(i) on SUSPECT(i) from
 *       another member is a confirmation (Lifeguard);</li>
 *   <li>DEAD(i) and LEFT(i) override ALIVE or SUSPECT of j <= i.</li>
 * </ul>
 * An update about this node itself is never accepted against it: SUSPECT or DEAD (or an ALIVE from an
 * older life with a higher incarnation) is refuted by raising the incarnation above it and gossiping
 * ALIVE. Every accepted change is queued for gossip and reported to the listener.
 */
final class MembershipView {
    private final long selfId;
    private final SwimConfig config;
    private final MembershipListener listener;
    private final RandomSource random;
    final MemberTable table;
    final GossipQueue gossip = new GossipQueue();
    final ProbeOrder probeOrder = new ProbeOrder();
    private final Map<Long, Suspicion> suspicions = new HashMap<>();
    /** DEAD (not LEFT) members: partners for reconnect attempts after a partition heals. */
    final TreeSet<Long> deadIds = new TreeSet<>();
    private final Deadlines deadlines;
    private final LocalHealth health;
    private final SwimStats.Counters counters;
    private boolean leaving;
    private long suspicionGenerations;

    MembershipView(long selfId, String selfAddress, long incarnation, SwimConfig config, MembershipListener listener,
                   RandomSource random, Deadlines deadlines, LocalHealth health, SwimStats.Counters counters, int expectedMembers) {
        this.selfId = selfId;
        this.config = config;
        this.listener = listener;
        this.random = random;
        this.deadlines = deadlines;
        this.health = health;
        this.counters = counters;
        this.table = new MemberTable(expectedMembers);
        table.add(selfId, selfAddress, incarnation, MemberState.ALIVE);
    }

    int selfSlot() {
        return table.slotOf(selfId);
    }

    long selfIncarnation() {
        return table.incarnation(selfSlot());
    }

    Update selfUpdate() {
        int slot = selfSlot();
        return new Update(selfId, table.address(slot), table.incarnation(slot), table.state(slot), selfId);
    }

    Update updateOf(int slot) {
        return new Update(table.id(slot), table.address(slot), table.incarnation(slot), table.state(slot), selfId);
    }

    /** Applies gossip. From a push-pull, a remote DEAD is only trusted as far as SUSPECT (we check ourselves). */
    void apply(Update update, long nowNs, boolean fromFullState) {
        if (update.memberId() == selfId) {
            applyAboutSelf(update);
            return;
        }
        MemberState state = update.state();
        if (fromFullState && state == MemberState.DEAD) {
            state = MemberState.SUSPECT;
        }
        int slot = table.slotOf(update.memberId());
        if (slot < 0) {
            applyAboutStranger(update, state, nowNs);
            return;
        }
        switch (state) {
            case ALIVE -> applyAlive(slot, update);
            case SUSPECT -> applySuspect(slot, update, nowNs);
            case DEAD, LEFT -> applyDown(slot, update.incarnation(), state);
        }
    }

    private void applyAboutStranger(Update update, MemberState state, long nowNs) {
        // A DEAD or LEFT member we never knew is not worth remembering (memberlist does the same).
        if (state.isDown()) return;
        int slot = table.add(update.memberId(), update.address(), update.incarnation(), state);
        probeOrder.insert(update.memberId(), random);
        listener.onJoined(table.member(slot));
        if (state == MemberState.SUSPECT) {
            startSuspicion(slot, update.fromId(), nowNs);
        }
        gossip.enqueue(new Update(update.memberId(), update.address(), update.incarnation(), state, update.fromId()));
    }

    private void applyAlive(int slot, Update update) {
        long known = table.incarnation(slot);
        MemberState previous = table.state(slot);
        if (update.incarnation() <= known) return;
        String previousAddress = table.address(slot);
        table.set(slot, update.incarnation(), MemberState.ALIVE);
        table.setAddress(slot, update.address());
        suspicions.remove(update.memberId());
        if (previous == MemberState.DEAD) deadIds.remove(update.memberId());
        if (previous.isDown()) probeOrder.insert(update.memberId(), random);
        gossip.enqueue(update);
        listener.onStateChanged(table.member(slot), previous);
        if (!previousAddress.equals(update.address())) {
            listener.onAddressChanged(table.member(slot), previousAddress);
        }
    }

    private void applySuspect(int slot, Update update, long nowNs) {
        long known = table.incarnation(slot);
        MemberState previous = table.state(slot);
        long incarnation = update.incarnation();
        if (previous == MemberState.SUSPECT && incarnation == known) {
            Suspicion suspicion = suspicions.get(update.memberId());
            if (config.lifeguard() && suspicion != null && suspicion.confirm(update.fromId())) {
                rearm(suspicion);
                gossip.enqueue(update);
            }
            return;
        }
        boolean newer = previous == MemberState.ALIVE ? incarnation >= known : incarnation > known;
        if (!newer) return;
        if (previous == MemberState.DEAD) deadIds.remove(update.memberId());
        if (previous.isDown()) probeOrder.insert(update.memberId(), random);
        table.set(slot, incarnation, MemberState.SUSPECT);
        startSuspicion(slot, update.fromId(), nowNs);
        gossip.enqueue(new Update(update.memberId(), table.address(slot), incarnation, MemberState.SUSPECT, update.fromId()));
        listener.onStateChanged(table.member(slot), previous);
    }

    private void applyDown(int slot, long incarnation, MemberState state) {
        long known = table.incarnation(slot);
        MemberState previous = table.state(slot);
        if (previous.isDown() || incarnation < known) return;
        declareDown(slot, incarnation, state, previous);
    }

    private void declareDown(int slot, long incarnation, MemberState state, MemberState previous) {
        long id = table.id(slot);
        table.set(slot, incarnation, state);
        suspicions.remove(id);
        if (state == MemberState.DEAD) deadIds.add(id);
        gossip.enqueue(new Update(id, table.address(slot), incarnation, state, selfId));
        Member member = table.member(slot);
        listener.onStateChanged(member, previous);
        listener.onRemovalCandidate(member);
    }

    /** This node's own failed probe of {@code memberId} at {@code incarnation}. */
    void suspectFromProbe(long memberId, long incarnation, long nowNs) {
        int slot = table.slotOf(memberId);
        if (slot < 0) return;
        counters.suspicionsRaised++;
        apply(new Update(memberId, table.address(slot), incarnation, MemberState.SUSPECT, selfId), nowNs, false);
    }

    private void startSuspicion(int slot, long suspecterId, long nowNs) {
        int members = table.liveCount();
        long minNs = config.suspicionTimeoutMinNs(members);
        long maxNs = config.lifeguard() ? minNs * config.suspicionMaxTimeoutMult() : minNs;
        int expected = config.lifeguard() && members - 2 >= config.suspicionMult() - 2 ? config.suspicionMult() - 2 : 0;
        Suspicion suspicion = new Suspicion(table.id(slot), table.incarnation(slot), suspecterId, nowNs, minNs, maxNs, expected);
        suspicions.put(suspicion.memberId, suspicion);
        rearm(suspicion);
    }

    private void rearm(Suspicion suspicion) {
        // Unique across suspicions: a deadline left over from an earlier suspicion of the same member
        // must never match a later one.
        suspicion.generation = ++suspicionGenerations;
        deadlines.add(suspicion.deadlineNs(), Deadlines.Kind.SUSPICION, suspicion.memberId, suspicion.generation);
    }

    /** A suspicion deadline came due: DEAD unless refuted (or re-armed) meanwhile. */
    void onSuspicionDeadline(long memberId, long generation) {
        Suspicion suspicion = suspicions.get(memberId);
        if (suspicion == null || suspicion.generation != generation) return;
        int slot = table.slotOf(memberId);
        if (slot < 0 || table.state(slot) != MemberState.SUSPECT || table.incarnation(slot) != suspicion.incarnation) {
            suspicions.remove(memberId);
            return;
        }
        declareDown(slot, suspicion.incarnation, MemberState.DEAD, MemberState.SUSPECT);
    }

    private void applyAboutSelf(Update update) {
        if (leaving) return;
        int slot = selfSlot();
        long mine = table.incarnation(slot);
        boolean accusation = update.state() != MemberState.ALIVE && update.incarnation() >= mine;
        // An ALIVE above ours is our own older life (we restarted and forgot); one at ours with another
        // address is an older life at a different place. Both must be superseded.
        boolean stale = update.state() == MemberState.ALIVE
                && (update.incarnation() > mine || (update.incarnation() == mine && !update.address().equals(table.address(slot))));
        if (!accusation && !stale) return;
        long refuted = Math.max(mine, update.incarnation()) + 1;
        table.set(slot, refuted, MemberState.ALIVE);
        if (accusation) {
            counters.refutations++;
            if (config.lifeguard()) health.apply(+1);
        }
        gossip.enqueue(selfUpdate());
        listener.onRefuted(refuted);
    }

    /** Marks this node LEFT (a graceful leave) and stops refuting anything from now on. */
    Update leave() {
        leaving = true;
        int slot = selfSlot();
        table.set(slot, table.incarnation(slot), MemberState.LEFT);
        Update left = selfUpdate();
        gossip.enqueue(left);
        return left;
    }

    boolean leaving() {
        return leaving;
    }

    /** Forgets {@code memberId} entirely: only after the cluster configuration removed it. */
    boolean remove(long memberId) {
        if (memberId == selfId) throw new IllegalArgumentException("a node cannot remove itself from its own view");
        suspicions.remove(memberId);
        deadIds.remove(memberId);
        gossip.remove(memberId);
        return table.remove(memberId);
    }

    Suspicion suspicion(long memberId) {
        return suspicions.get(memberId);
    }
}
