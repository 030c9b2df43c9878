package parley.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** SWIM and Lifeguard rule by rule, on one node driven by hand. */
class SwimNodeTest {
    private static final long SELF = 1;

    private final FakeEnv env = new FakeEnv(SELF, 42);
    private final List<String> events = new ArrayList<>();
    private final MembershipListener listener = new MembershipListener() {
        @Override public void onStateChanged(Member m, MemberState previous) { events.add("n" + m.id() + " " + previous + "->" + m.state() + "@" + m.incarnation()); }
        @Override public void onRemovalCandidate(Member m) { events.add("remove? n" + m.id()); }
        @Override public void onRefuted(long incarnation) { events.add("refuted " + incarnation); }
        @Override public void onAddressChanged(Member m, String previous) { events.add("n" + m.id() + " moved " + previous + "->" + m.address()); }
        @Override public void onJoined(Member m) { events.add("joined n" + m.id()); }
    };

    private SwimNode node(SwimConfig config, int members) {
        SwimNode node = new SwimNode(env, config, "self:1", 0, listener);
        List<Member> known = new ArrayList<>();
        for (long id = 1; id <= members; id++) known.add(new Member(id, "n" + id + ":1", 0, MemberState.ALIVE));
        node.bootstrap(known);
        node.start(List.of());
        return node;
    }

    private static Update update(long id, long incarnation, MemberState state, long from) {
        return new Update(id, "n" + id + ":1", incarnation, state, from);
    }

    private static SwimMessage.Gossip gossip(Update... updates) {
        return new SwimMessage.Gossip(List.of(updates));
    }

    @Test
    void suspectOfSameIncarnationOverridesAliveAndHigherAliveRefutesIt() {
        SwimNode node = node(SwimConfig.defaults(), 5);
        node.onMessage(3, gossip(update(2, 0, MemberState.SUSPECT, 3)));
        assertEquals(MemberState.SUSPECT, node.stateOf(2));
        node.onMessage(3, gossip(update(2, 0, MemberState.ALIVE, 3)));
        assertEquals(MemberState.SUSPECT, node.stateOf(2), "ALIVE of the same incarnation does not refute");
        node.onMessage(2, gossip(update(2, 1, MemberState.ALIVE, 2)));
        assertEquals(MemberState.ALIVE, node.stateOf(2));
        assertEquals(1, node.member(2).incarnation());
        node.onMessage(3, gossip(update(2, 0, MemberState.SUSPECT, 3)));
        assertEquals(MemberState.ALIVE, node.stateOf(2), "a suspicion of an older incarnation is stale");
    }

    @Test
    void deadIsFinalForItsIncarnationAndIsReportedOnceButNeverRemoved() {
        SwimNode node = node(SwimConfig.defaults(), 5);
        node.onMessage(3, gossip(update(4, 2, MemberState.DEAD, 3)));
        node.onMessage(5, gossip(update(4, 2, MemberState.DEAD, 5)));
        node.onMessage(5, gossip(update(4, 2, MemberState.ALIVE, 5), update(4, 2, MemberState.SUSPECT, 5)));
        assertEquals(MemberState.DEAD, node.stateOf(4));
        assertEquals(1, events.stream().filter(e -> e.equals("remove? n4")).count(), events.toString());
        assertEquals(5, node.memberCount(), "gossip never removes a member from the view");
        node.onMessage(4, gossip(update(4, 3, MemberState.ALIVE, 4)));
        assertEquals(MemberState.ALIVE, node.stateOf(4), "a higher incarnation brings it back (rejoin)");
        assertTrue(node.removeMember(4), "the runtime removes it, after consensus");
        assertNull(node.member(4));
        assertThrows(IllegalArgumentException.class, () -> node.removeMember(SELF));
    }

    @Test
    void aSuspicionAboutItselfIsRefutedWithAHigherIncarnationAndRaisesLocalHealth() {
        SwimNode node = node(SwimConfig.defaults(), 5);
        node.onMessage(3, gossip(update(SELF, 0, MemberState.SUSPECT, 3)));
        assertEquals(1, node.incarnation());
        assertEquals(1, node.localHealthScore());
        assertTrue(events.contains("refuted 1"), events.toString());
        // The ALIVE goes out at once to a few members, and rides on later messages too.
        List<FakeEnv.Sent> pushed = env.sentOf(SwimMessage.Gossip.class);
        assertFalse(pushed.isEmpty());
        assertTrue(pushed.stream().allMatch(s -> s.message().gossip().get(0).equals(new Update(SELF, "self:1", 1, MemberState.ALIVE, SELF))));
        node.onMessage(3, gossip(update(SELF, 4, MemberState.DEAD, 3)));
        assertEquals(5, node.incarnation(), "refutes above the accusation's incarnation");
        assertEquals(MemberState.ALIVE, node.stateOf(SELF));
    }

    @Test
    void anOlderLifeWithAHigherIncarnationIsSupersededAfterARestart() {
        SwimNode node = node(SwimConfig.defaults(), 3);
        node.onMessage(2, new SwimMessage.PushPull(false, 0, 1, List.of(new Update(SELF, "old:1", 7, MemberState.ALIVE, 2))));
        assertEquals(8, node.incarnation());
        assertEquals(0, node.localHealthScore(), "forgetting our own past is not a sign of ill health");
    }

    @Test
    void aNewAddressAtAHigherIncarnationIsReported() {
        SwimNode node = node(SwimConfig.defaults(), 3);
        node.onMessage(2, gossip(new Update(2, "n2:2", 1, MemberState.ALIVE, 2)));
        assertEquals("n2:2", node.member(2).address());
        assertTrue(events.contains("n2 moved n2:1->n2:2"), events.toString());
    }

    @Test
    void aFailedProbeAsksKHelpersThenSuspectsAndMissingNacksRaiseLocalHealth() {
        SwimConfig config = SwimConfig.defaults();
        SwimNode node = node(config, 10);
        env.fire(node, SwimNode.PROBE_TIMER_ID);
        FakeEnv.Sent ping = env.sentOf(SwimMessage.Ping.class).get(0);
        long target = ping.to();
        env.fire(node, SwimNode.DEADLINE_TIMER_ID);
        List<FakeEnv.Sent> requests = env.sentOf(SwimMessage.PingReq.class);
        assertEquals(config.indirectProbes(), requests.size());
        assertTrue(requests.stream().noneMatch(r -> r.to() == target || r.to() == SELF));
        assertTrue(requests.stream().allMatch(r -> ((SwimMessage.PingReq) r.message()).targetId() == target));
        long sequence = ((SwimMessage.Ping) ping.message()).sequence();
        node.onMessage(requests.get(0).to(), new SwimMessage.Nack(sequence, List.of()));
        env.fire(node, SwimNode.PROBE_TIMER_ID);
        assertEquals(MemberState.SUSPECT, node.stateOf(target));
        assertEquals(config.indirectProbes() - 1, node.localHealthScore(), "two helpers of three sent no nack");
        assertEquals(1, node.stats().probesFailed());
    }

    @Test
    void anIndirectAckSavesTheTargetAndSuccessLowersLocalHealth() {
        SwimNode node = node(SwimConfig.defaults(), 10);
        node.onMessage(3, gossip(update(SELF, 0, MemberState.SUSPECT, 3)));
        assertEquals(1, node.localHealthScore());
        env.fire(node, SwimNode.PROBE_TIMER_ID);
        FakeEnv.Sent ping = env.sentOf(SwimMessage.Ping.class).get(0);
        env.fire(node, SwimNode.DEADLINE_TIMER_ID);
        FakeEnv.Sent request = env.sentOf(SwimMessage.PingReq.class).get(0);
        node.onMessage(request.to(), new SwimMessage.Ack(((SwimMessage.Ping) ping.message()).sequence(), List.of()));
        env.fire(node, SwimNode.PROBE_TIMER_ID);
        assertEquals(MemberState.ALIVE, node.stateOf(ping.to()));
        assertEquals(0, node.localHealthScore());
    }

    @Test
    void localHealthStretchesTheProbeInterval() {
        SwimNode node = node(SwimConfig.defaults(), 10);
        env.fire(node, SwimNode.PROBE_TIMER_ID);
        long healthyIntervalNs = env.timers.get(SwimNode.PROBE_TIMER_ID) - env.nowNs;
        for (int i = 0; i < 3; i++) node.onMessage(3, gossip(update(SELF, node.incarnation(), MemberState.SUSPECT, 3)));
        env.fire(node, SwimNode.PROBE_TIMER_ID);
        long stretchedNs = env.timers.get(SwimNode.PROBE_TIMER_ID) - env.nowNs;
        assertEquals(healthyIntervalNs * (node.localHealthScore() + 1), stretchedNs);
        assertTrue(node.localHealthScore() >= 2);
    }

    @Test
    void aHelperForwardsTheAckOrSendsANackAfterTheProbeTimeout() {
        SwimNode node = node(SwimConfig.defaults(), 5);
        node.onMessage(2, new SwimMessage.PingReq(77, 3, List.of()));
        FakeEnv.Sent ping = env.sentOf(SwimMessage.Ping.class).stream().filter(s -> s.to() == 3).findFirst().orElseThrow();
        node.onMessage(3, new SwimMessage.Ack(((SwimMessage.Ping) ping.message()).sequence(), List.of()));
        assertTrue(env.sentOf(SwimMessage.Ack.class).stream().anyMatch(s -> s.to() == 2 && ((SwimMessage.Ack) s.message()).sequence() == 77));
        node.onMessage(2, new SwimMessage.PingReq(78, 4, List.of()));
        env.advanceMs(node, SwimConfig.defaults().probeTimeoutMs() + 1);
        assertTrue(env.sentOf(SwimMessage.Nack.class).stream().anyMatch(s -> s.to() == 2 && ((SwimMessage.Nack) s.message()).sequence() == 78));
    }

    @Test
    void withoutLifeguardThereAreNoNacksAndNoLocalHealth() {
        SwimNode node = node(SwimConfig.defaults().toBuilder().lifeguard(false).build(), 5);
        node.onMessage(2, new SwimMessage.PingReq(78, 4, List.of()));
        node.onMessage(3, gossip(update(SELF, 0, MemberState.SUSPECT, 3)));
        env.advanceMs(node, 600);
        assertTrue(env.sentOf(SwimMessage.Nack.class).isEmpty());
        assertEquals(0, node.localHealthScore());
        assertEquals(1, node.incarnation(), "refutation is plain SWIM");
    }

    @Test
    void aSuspicionExpiresIntoDeadAndConfirmationsShortenIt() {
        SwimConfig config = SwimConfig.defaults();
        int members = 100;
        SwimNode lonely = node(config, members);
        lonely.onMessage(3, gossip(update(2, 0, MemberState.SUSPECT, 3)));
        long minMs = config.suspicionTimeoutMinNs(members) / 1_000_000;
        env.advanceMs(lonely, minMs + 10);
        assertEquals(MemberState.SUSPECT, lonely.stateOf(2), "unconfirmed, the timeout starts at the maximum");
        lonely.onMessage(4, gossip(update(2, 0, MemberState.SUSPECT, 4)));
        lonely.onMessage(5, gossip(update(2, 0, MemberState.SUSPECT, 5)));
        assertEquals(2, lonely.suspicionConfirmations(2));
        env.advanceMs(lonely, 1);
        assertEquals(MemberState.DEAD, lonely.stateOf(2), "two confirmations bring it down to the minimum, already past");
        assertTrue(events.contains("remove? n2"));
    }

    @Test
    void aSuspectedTargetHearsOfItsSuspicionInThePing() {
        SwimNode node = node(SwimConfig.defaults(), 2);
        node.onMessage(3, gossip(update(2, 0, MemberState.SUSPECT, 3)));
        env.sent.clear();
        env.fire(node, SwimNode.PROBE_TIMER_ID);
        SwimMessage.Ping ping = (SwimMessage.Ping) env.sentOf(SwimMessage.Ping.class).get(0).message();
        assertEquals(MemberState.SUSPECT, ping.gossip().get(0).state());
        assertEquals(2, ping.gossip().get(0).memberId());
    }

    @Test
    void aRemoteDeadInAFullStateIsOnlyTrustedAsSuspect() {
        SwimNode node = node(SwimConfig.defaults(), 5);
        node.onMessage(3, new SwimMessage.PushPull(false, 0, 1, List.of(update(2, 0, MemberState.DEAD, 3))));
        assertEquals(MemberState.SUSPECT, node.stateOf(2));
    }

    @Test
    void aPushPullAsksForTheWholeViewInBoundedChunks() {
        SwimConfig config = SwimConfig.defaults().toBuilder().pushPullChunkMax(16).build();
        SwimNode node = node(config, 100);
        node.onMessage(7, new SwimMessage.PushPull(true, 0, 1, List.of(update(7, 0, MemberState.ALIVE, 7))));
        List<FakeEnv.Sent> replies = env.sentOf(SwimMessage.PushPull.class);
        assertEquals(7, replies.size(), "100 members in chunks of 16");
        assertEquals(100, replies.stream().mapToInt(r -> r.message().gossip().size()).sum());
        assertTrue(replies.stream().allMatch(r -> !((SwimMessage.PushPull) r.message()).replyWanted()));
    }

    @Test
    void aJoiningNodeLearnsTheClusterFromASeedAndRetriesUntilAnswered() {
        SwimNode node = new SwimNode(env, SwimConfig.defaults(), "self:1", 0, listener);
        node.start(List.of(9L));
        assertEquals(1, env.sentOf(SwimMessage.PushPull.class).size());
        env.advanceMs(node, SwimConfig.defaults().joinRetryMs() + 1);
        assertEquals(2, env.sentOf(SwimMessage.PushPull.class).stream().filter(s -> s.to() == 9).count(), "retried");
        node.onMessage(9, new SwimMessage.PushPull(false, 0, 1, List.of(update(9, 0, MemberState.ALIVE, 9), update(8, 3, MemberState.ALIVE, 9))));
        assertEquals(3, node.memberCount());
        assertTrue(events.contains("joined n8"));
    }

    @Test
    void aGracefulLeaveIsAnnouncedAndNotRefuted() {
        SwimNode node = node(SwimConfig.defaults(), 5);
        node.leave();
        List<FakeEnv.Sent> told = env.sentOf(SwimMessage.Gossip.class);
        assertFalse(told.isEmpty());
        assertTrue(told.stream().allMatch(s -> s.message().gossip().get(0).state() == MemberState.LEFT));
        node.onMessage(3, gossip(update(SELF, 0, MemberState.DEAD, 3)));
        assertEquals(0, node.incarnation(), "a leaving node does not refute");
        SwimNode other = new SwimNode(new FakeEnv(2, 1), SwimConfig.defaults(), "n2:1", 0, listener);
        other.bootstrap(List.of(new Member(SELF, "self:1", 0, MemberState.ALIVE)));
        other.onMessage(SELF, told.get(0).message());
        assertEquals(MemberState.LEFT, other.stateOf(SELF));
        assertTrue(events.contains("remove? n1"));
    }

    @Test
    void aProbeInFlightDuringALocalStallIsAbandonedNotBlamedOnItsTarget() {
        SwimNode node = node(SwimConfig.defaults(), 10);
        env.fire(node, SwimNode.PROBE_TIMER_ID);
        long target = env.sentOf(SwimMessage.Ping.class).get(0).to();
        // Stalled: the next probe timer fires five seconds late.
        env.nowNs = env.timers.get(SwimNode.PROBE_TIMER_ID) + 5_000_000_000L;
        env.timers.remove(SwimNode.DEADLINE_TIMER_ID);
        node.onTimer(SwimNode.PROBE_TIMER_ID);
        assertEquals(MemberState.ALIVE, node.stateOf(target));
        assertEquals(1, node.stats().probesAbandoned());
        assertEquals(1, node.localHealthScore());
    }

    @Test
    void listenersMustNotCallBackIntoTheNode() {
        SwimNode[] holder = new SwimNode[1];
        SwimNode node = new SwimNode(env, SwimConfig.defaults(), "self:1", 0, new MembershipListener() {
            @Override public void onJoined(Member m) { holder[0].removeMember(m.id()); }
        });
        holder[0] = node;
        node.start(List.of());
        assertThrows(parley.core.Check.InvariantViolation.class, () -> node.onMessage(2, gossip(update(2, 0, MemberState.ALIVE, 2))));
        assertNotNull(node.member(SELF));
    }
}
