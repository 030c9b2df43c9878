package parley.membership;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import parley.core.Check;
import parley.core.env.Env;
import parley.core.env.RandomSource;

/**
 * One member of a SWIM cluster with Lifeguard (Das, Gupta, Motivala 2002; Dadgar, Phillips, Currey
 * 2018), as a deterministic state machine: the runtime calls {@link #onMessage} and {@link #onTimer}
 * one at a time on one thread, and the node acts only through its {@link Env} and its
 * {@link MembershipListener}. See the package documentation for the protocol and its parameters.
 *
 * <pre>{@code
 * SwimNode node = new SwimNode(env, SwimConfig.defaults(), "10.0.0.7:7400", 0, listener);
 * node.start(List.of(seedId1, seedId2));           // or bootstrap(knownMembers) then start(List.of())
 * // runtime: node.onMessage(fromId, message); node.onTimer(timerId) for the ids it armed
 * node.members(); node.phi(peerId); node.localHealthScore();
 * }</pre>
 */
public final class SwimNode {
    /** The protocol period. */
    public static final int PROBE_TIMER_ID = 1;
    /** Full-state exchange. */
    public static final int PUSH_PULL_TIMER_ID = 2;
    /** Every finer deadline (probe and helper timeouts, suspicions, join retries), multiplexed. */
    public static final int DEADLINE_TIMER_ID = 3;
    /** The gossip round (when {@link SwimConfig#gossipIntervalMs} is not 0). */
    public static final int GOSSIP_TIMER_ID = 4;

    private static final long NS_PER_MS = 1_000_000L;

    private final Env<SwimMessage> env;
    private final SwimConfig config;
    private final long selfId;
    private final RandomSource random;
    private final Deadlines deadlines = new Deadlines();
    private final LocalHealth health;
    private final SwimStats.Counters counters = new SwimStats.Counters();
    private final MembershipView view;
    private final PhiAccrualDetector phi;
    private final PeerPicker picker;
    /** Indirect probes run for others: our ping's sequence to the asker and the asker's sequence. */
    private final Map<Long, Forward> forwards = new HashMap<>();
    private final Probe probe = new Probe();
    private List<Long> seeds = List.of();

    private long nextSequence = 1;
    private long probeDueNs;
    private long armedDeadlineNs = Long.MAX_VALUE;
    private boolean started;
    private boolean inEvent;

    private record Forward(long askerId, long askerSequence) {}

    /** The probe of the current protocol period. */
    private static final class Probe {
        long targetId = -1;
        long targetIncarnation;
        long sequence;
        boolean acked;
        boolean indirectSent;
        int nacksExpected;
        int nacksReceived;
    }

    /**
     * @param selfAddress        how others reach this node (carried in gossip; the runtime maps ids to addresses)
     * @param initialIncarnation where this node's incarnation starts; 0 is fine, a restarted node refutes
     *                           its older life automatically when it hears of it
     */
    public SwimNode(Env<SwimMessage> env, SwimConfig config, String selfAddress, long initialIncarnation, MembershipListener listener) {
        this(env, config, selfAddress, initialIncarnation, listener, 16);
    }

    /** As above, sizing the member table for {@code expectedMembers} up front. */
    public SwimNode(Env<SwimMessage> env, SwimConfig config, String selfAddress, long initialIncarnation,
                    MembershipListener listener, int expectedMembers) {
        this.env = env;
        this.config = config;
        this.selfId = env.nodeId();
        this.random = env.random();
        this.health = new LocalHealth(config.lifeguard() ? config.localHealthMax() : 1);
        this.view = new MembershipView(selfId, selfAddress, initialIncarnation, config, listener, random, deadlines, health,
                counters, expectedMembers);
        this.phi = new PhiAccrualDetector(config.phi());
        this.picker = new PeerPicker(view, selfId, random);
    }

    // ---- life cycle ----

    /**
     * Adds members known without gossip (the server: from the Raft configuration; the simulator: a
     * fully formed cluster). Call before {@link #start}.
     */
    public void bootstrap(List<Member> members) {
        Check.that(!started, "bootstrap before start");
        for (Member member : members) {
            if (member.id() != selfId && view.table.slotOf(member.id()) < 0) {
                view.table.add(member.id(), member.address(), member.incarnation(), member.state());
                if (member.state() == MemberState.DEAD) view.deadIds.add(member.id());
            }
        }
    }

    /** Arms the timers and, if {@code seedIds} is not empty, joins through them (push-pull with each). */
    public void start(List<Long> seedIds) {
        enter();
        try {
            Check.that(!started, "a SwimNode starts once");
            started = true;
            seeds = List.copyOf(seedIds);
            long now = env.nowNs();
            long intervalNs = config.probeIntervalMs() * NS_PER_MS;
            // A random first phase, so nodes started together do not probe in lockstep.
            long firstProbeNs = 1 + random.nextLong(0, intervalNs);
            probeDueNs = now + firstProbeNs;
            env.setTimer(PROBE_TIMER_ID, firstProbeNs);
            armPushPull(true);
            if (config.gossipIntervalMs() > 0) {
                env.setTimer(GOSSIP_TIMER_ID, 1 + random.nextLong(0, config.gossipIntervalMs() * NS_PER_MS));
            }
            if (!seeds.isEmpty()) {
                joinThroughSeeds();
            }
            afterEvent(now);
        } finally {
            exit();
        }
    }

    /**
     * Leaves gracefully: marks this node LEFT at its incarnation, tells a few members at once and stops
     * probing. The runtime should keep delivering messages for a few protocol periods (so the news
     * spreads through piggybacking) and then stop the node.
     */
    public void leave() {
        enter();
        try {
            Update left = view.leave();
            List<Long> targets = picker.pick(Math.max(3, config.indirectProbes()), -1, false);
            for (long target : targets) {
                List<Update> updates = new ArrayList<>();
                updates.add(left);
                updates.addAll(view.gossip.take(config.gossipPerMessageMax() - 1, transmitLimit()));
                send(target, new SwimMessage.Gossip(updates));
            }
            env.cancelTimer(PROBE_TIMER_ID);
            env.cancelTimer(PUSH_PULL_TIMER_ID);
            // The gossip round keeps running: it spreads the LEFT until the runtime stops the node.
        } finally {
            exit();
        }
    }

    /**
     * Forgets {@code memberId}: call on every node once the cluster configuration (through consensus)
     * removed it. This node never calls it itself; gossip alone can only mark a member DEAD.
     */
    public boolean removeMember(long memberId) {
        enter();
        try {
            phi.remove(memberId);
            return view.remove(memberId);
        } finally {
            exit();
        }
    }

    // ---- events ----

    /** Handles a message from {@code fromId}. */
    public void onMessage(long fromId, SwimMessage message) {
        enter();
        try {
            long now = env.nowNs();
            phi.heartbeat(fromId, now);
            boolean fullState = message instanceof SwimMessage.PushPull;
            long refutationsBefore = counters.refutations;
            for (Update update : message.gossip()) {
                view.apply(update, now, fullState);
            }
            if (counters.refutations != refutationsBefore) pushRefutation();
            switch (message) {
                case SwimMessage.Ping ping -> send(fromId, new SwimMessage.Ack(ping.sequence(), piggyback()));
                case SwimMessage.Ack ack -> onAck(ack);
                case SwimMessage.PingReq request -> onPingReq(fromId, request, now);
                case SwimMessage.Nack nack -> {
                    if (nack.sequence() == probe.sequence && probe.targetId >= 0) probe.nacksReceived++;
                    counters.nacksReceived++;
                }
                case SwimMessage.Gossip gossip -> { }
                case SwimMessage.PushPull pushPull -> {
                    if (pushPull.replyWanted() && pushPull.chunkIndex() == 0) sendFullState(fromId, false);
                }
            }
            afterEvent(now);
        } finally {
            exit();
        }
    }

    /** Handles timer {@code timerId} ({@link #PROBE_TIMER_ID}, {@link #PUSH_PULL_TIMER_ID}, {@link #DEADLINE_TIMER_ID}, {@link #GOSSIP_TIMER_ID}). */
    public void onTimer(int timerId) {
        enter();
        try {
            long now = env.nowNs();
            switch (timerId) {
                case PROBE_TIMER_ID -> onProbeTimer(now);
                case PUSH_PULL_TIMER_ID -> onPushPullTimer();
                case GOSSIP_TIMER_ID -> onGossipTimer();
                case DEADLINE_TIMER_ID -> {
                    armedDeadlineNs = Long.MAX_VALUE;
                    runDueDeadlines(now);
                }
                default -> throw new IllegalArgumentException("unknown SWIM timer id " + timerId);
            }
            afterEvent(now);
        } finally {
            exit();
        }
    }

    // ---- probing ----

    private void onProbeTimer(long now) {
        long lateNs = now - probeDueNs;
        phi.onLocalTimer(probeDueNs, now);
        finishProbe(lateNs >= config.localStallThresholdMs() * NS_PER_MS, now);
        if (view.leaving()) return;
        startProbe(now);
        long intervalNs = health.scale(config.probeIntervalMs() * NS_PER_MS);
        probeDueNs = now + intervalNs;
        env.setTimer(PROBE_TIMER_ID, intervalNs);
    }

    /** Ends the previous period's probe: success, failure (suspect the target), or abandoned after our own stall. */
    private void finishProbe(boolean stalled, long now) {
        if (probe.targetId < 0) return;
        long target = probe.targetId;
        probe.targetId = -1;
        if (probe.acked) return;
        if (stalled) {
            // We were not running while the ack could have arrived; blame ourselves, not the target.
            counters.probesAbandoned++;
            if (config.lifeguard()) health.apply(+1);
            return;
        }
        counters.probesFailed++;
        if (config.lifeguard()) {
            // Helpers that neither acked nor nacked suggest our own links or our own slowness.
            int missingNacks = probe.nacksExpected - probe.nacksReceived;
            health.apply(probe.nacksExpected == 0 ? 1 : Math.max(0, missingNacks));
        }
        view.suspectFromProbe(target, probe.targetIncarnation, now);
    }

    private void startProbe(long now) {
        long target = view.probeOrder.next(view.table, selfId, random);
        if (target < 0) return;
        int slot = view.table.slotOf(target);
        probe.targetId = target;
        probe.targetIncarnation = view.table.incarnation(slot);
        probe.sequence = nextSequence++;
        probe.acked = false;
        probe.indirectSent = false;
        probe.nacksExpected = 0;
        probe.nacksReceived = 0;
        counters.probes++;
        send(target, new SwimMessage.Ping(probe.sequence, pingGossip(slot)));
        deadlines.add(now + health.scale(config.probeTimeoutMs() * NS_PER_MS), Deadlines.Kind.PROBE_DIRECT_TIMEOUT, probe.sequence, 0);
    }

    /** Lifeguard's buddy system: a suspected target hears of its suspicion first, so it can refute at once. */
    private List<Update> pingGossip(int targetSlot) {
        if (!config.lifeguard() || view.table.state(targetSlot) != MemberState.SUSPECT) return piggyback();
        List<Update> updates = new ArrayList<>(config.gossipPerMessageMax());
        updates.add(view.updateOf(targetSlot));
        updates.addAll(view.gossip.take(config.gossipPerMessageMax() - 1, transmitLimit()));
        return updates;
    }

    private void onDirectTimeout(long sequence) {
        if (sequence != probe.sequence || probe.targetId < 0 || probe.acked || probe.indirectSent) return;
        probe.indirectSent = true;
        List<Long> helpers = picker.pick(config.indirectProbes(), probe.targetId, true);
        for (long helper : helpers) {
            counters.indirectRequests++;
            send(helper, new SwimMessage.PingReq(probe.sequence, probe.targetId, piggyback()));
        }
        probe.nacksExpected = config.lifeguard() ? helpers.size() : 0;
    }

    private void onAck(SwimMessage.Ack ack) {
        if (ack.sequence() == probe.sequence && probe.targetId >= 0) {
            if (!probe.acked && config.lifeguard()) health.apply(-1);
            probe.acked = true;
            return;
        }
        Forward forward = forwards.remove(ack.sequence());
        if (forward != null) {
            send(forward.askerId(), new SwimMessage.Ack(forward.askerSequence(), piggyback()));
        }
    }

    private void onPingReq(long askerId, SwimMessage.PingReq request, long now) {
        if (forwards.size() >= config.forwardsMax() || request.targetId() == selfId) {
            counters.forwardsRefused++;
            return;
        }
        long sequence = nextSequence++;
        forwards.put(sequence, new Forward(askerId, request.sequence()));
        send(request.targetId(), new SwimMessage.Ping(sequence, piggyback()));
        deadlines.add(now + config.probeTimeoutMs() * NS_PER_MS, Deadlines.Kind.FORWARD_TIMEOUT, sequence, 0);
    }

    private void onForwardTimeout(long sequence) {
        Forward forward = forwards.remove(sequence);
        if (forward != null && config.lifeguard()) {
            send(forward.askerId(), new SwimMessage.Nack(forward.askerSequence(), piggyback()));
        }
    }

    /**
     * A refutation is urgent: the suspicion timeout is running everywhere. Piggybacking alone would wait
     * for our next probe, and a slow node's probes are stretched by its own local health; so the ALIVE
     * also goes straight to a few random members (bounded: k messages per refutation).
     */
    private void pushRefutation() {
        Update alive = view.selfUpdate();
        for (long target : picker.pick(Math.max(1, config.indirectProbes()), -1, false)) {
            List<Update> updates = new ArrayList<>(config.gossipPerMessageMax());
            updates.add(alive);
            updates.addAll(view.gossip.take(config.gossipPerMessageMax() - 1, transmitLimit()));
            send(target, new SwimMessage.Gossip(updates));
        }
    }

    /** memberlist's gossip round: queued updates to a few random members, only when there is news. */
    private void onGossipTimer() {
        env.setTimer(GOSSIP_TIMER_ID, config.gossipIntervalMs() * NS_PER_MS);
        if (view.gossip.size() == 0) return;
        for (long target : picker.pick(config.gossipFanout(), -1, false)) {
            List<Update> updates = piggyback();
            if (updates.isEmpty()) return;
            send(target, new SwimMessage.Gossip(updates));
        }
    }

    // ---- full-state exchange and joining ----

    private void onPushPullTimer() {
        if (view.leaving()) return;
        List<Long> partner = picker.pick(1, -1, false);
        if (!partner.isEmpty()) sendFullState(partner.get(0), true);
        // Also try one member we believe DEAD: after a partition heals, this is how the two sides meet
        // again (it refutes its death and we refute ours in its reply).
        if (!view.deadIds.isEmpty()) {
            Long[] dead = view.deadIds.toArray(new Long[0]);
            sendFullState(dead[random.nextInt(dead.length)], true);
        }
        armPushPull(false);
    }

    private void armPushPull(boolean firstTime) {
        if (config.pushPullIntervalMs() == 0) return;
        long intervalNs = config.pushPullIntervalNs(view.table.liveCount());
        env.setTimer(PUSH_PULL_TIMER_ID, firstTime ? 1 + random.nextLong(0, intervalNs) : intervalNs);
    }

    private void joinThroughSeeds() {
        for (long seed : seeds) {
            if (seed != selfId) sendFullState(seed, true);
        }
        deadlines.add(env.nowNs() + config.joinRetryMs() * NS_PER_MS, Deadlines.Kind.JOIN_RETRY, 0, 0);
    }

    /** Sends this node's whole view in chunks of at most {@link SwimConfig#pushPullChunkMax} updates. */
    private void sendFullState(long to, boolean replyWanted) {
        int size = view.table.size();
        int chunkMax = config.pushPullChunkMax();
        int chunks = Math.max(1, (size + chunkMax - 1) / chunkMax);
        for (int chunk = 0; chunk < chunks; chunk++) {
            int from = chunk * chunkMax;
            int to2 = Math.min(size, from + chunkMax);
            List<Update> updates = new ArrayList<>(to2 - from);
            for (int slot = from; slot < to2; slot++) updates.add(view.updateOf(slot));
            send(to, new SwimMessage.PushPull(replyWanted, chunk, chunks, updates));
        }
    }

    // ---- deadlines ----

    private void runDueDeadlines(long now) {
        for (Deadlines.Deadline due = deadlines.pollDue(now); due != null; due = deadlines.pollDue(now)) {
            switch (due.kind()) {
                case PROBE_DIRECT_TIMEOUT -> onDirectTimeout(due.key());
                case FORWARD_TIMEOUT -> onForwardTimeout(due.key());
                case SUSPICION -> view.onSuspicionDeadline(due.key(), due.generation());
                case JOIN_RETRY -> {
                    if (view.table.liveCount() <= 1 && !view.leaving()) joinThroughSeeds();
                }
            }
        }
    }

    private void afterEvent(long now) {
        long earliest = deadlines.earliestNs();
        if (earliest != armedDeadlineNs && earliest != Long.MAX_VALUE) {
            armedDeadlineNs = earliest;
            env.setTimer(DEADLINE_TIMER_ID, Math.max(0, earliest - now));
        }
    }

    // ---- sending ----

    private List<Update> piggyback() {
        return view.gossip.take(config.gossipPerMessageMax(), transmitLimit());
    }

    private int transmitLimit() {
        return config.retransmitLimit(view.table.liveCount());
    }

    private void send(long to, SwimMessage message) {
        counters.messagesSent++;
        env.send(to, message);
    }

    private void enter() {
        Check.that(!inEvent, "SwimNode is not re-entrant: a listener called back into the node");
        inEvent = true;
    }

    private void exit() {
        inEvent = false;
    }

    // ---- the view, for runtimes, status pages and tests ----

    public long id() {
        return selfId;
    }

    /** This node's own incarnation. */
    public long incarnation() {
        return view.selfIncarnation();
    }

    /** Every member in this node's view (itself included), in no particular order. */
    public List<Member> members() {
        List<Member> members = new ArrayList<>(view.table.size());
        for (int slot = 0; slot < view.table.size(); slot++) members.add(view.table.member(slot));
        return members;
    }

    /** {@code memberId} as this node sees it, or null when unknown. */
    public Member member(long memberId) {
        int slot = view.table.slotOf(memberId);
        return slot < 0 ? null : view.table.member(slot);
    }

    /** What this node believes about {@code memberId}, or null when unknown (cheaper than {@link #member}). */
    public MemberState stateOf(long memberId) {
        int slot = view.table.slotOf(memberId);
        return slot < 0 ? null : view.table.state(slot);
    }

    /** Members in the view, any state. */
    public int memberCount() {
        return view.table.size();
    }

    /** Members ALIVE or SUSPECT in the view, this node included. */
    public int liveMemberCount() {
        return view.table.liveCount();
    }

    /** The phi suspicion level of {@code peerId}, from the arrival times of its messages to this node. */
    public double phi(long peerId) {
        return phi.phi(peerId, env.nowNs());
    }

    /** Lifeguard's local health score (0 = healthy; probe interval and timeout are scaled by score + 1). */
    public int localHealthScore() {
        return health.score();
    }

    /** Independent confirmations of the current suspicion of {@code memberId}, or -1 when not suspected. */
    public int suspicionConfirmations(long memberId) {
        Suspicion suspicion = view.suspicion(memberId);
        return suspicion == null ? -1 : suspicion.confirmations();
    }

    /** Updates waiting to be piggybacked. */
    public int pendingGossip() {
        return view.gossip.size();
    }

    public SwimStats stats() {
        return counters.snapshot();
    }

    public SwimConfig config() {
        return config;
    }
}
