package parley.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import parley.core.env.SplittableRandomSource;

/** Whatever a node is told, in whatever order, some things never happen. */
class SwimNodePropertiesTest {
    private static final MemberState[] STATES = MemberState.values();

    @Property(tries = 150)
    void boundedMessagesMonotoneIncarnationAndNoMemberEverDisappears(
            @ForAll @LongRange(min = 0, max = 1_000_000) long seed,
            @ForAll @IntRange(min = 2, max = 300) int members,
            @ForAll @IntRange(min = 1, max = 400) int steps,
            @ForAll boolean lifeguard) {
        SwimConfig config = SwimConfig.defaults().toBuilder().lifeguard(lifeguard).pushPullChunkMax(32).gossipPerMessageMax(5).build();
        FakeEnv env = new FakeEnv(1, seed);
        SwimNode node = new SwimNode(env, config, "n1", 0, MembershipListener.NONE);
        List<Member> known = new ArrayList<>();
        for (long id = 1; id <= members; id++) known.add(new Member(id, "n" + id, 0, MemberState.ALIVE));
        node.bootstrap(known);
        node.start(List.of());
        SplittableRandomSource random = new SplittableRandomSource(seed ^ 0x5DEECE66DL);
        long incarnation = node.incarnation();
        int memberCount = node.memberCount();
        for (int step = 0; step < steps; step++) {
            int action = random.nextInt(10);
            if (action < 6) {
                long from = 2 + random.nextInt(members + 5);
                List<Update> updates = new ArrayList<>();
                for (int i = random.nextInt(6); i > 0; i--) {
                    long about = 1 + random.nextInt(members + 5);
                    updates.add(new Update(about, "n" + about, random.nextInt(4), STATES[random.nextInt(STATES.length)], from));
                }
                SwimMessage message = switch (random.nextInt(5)) {
                    case 0 -> new SwimMessage.Ping(random.nextInt(50), updates);
                    case 1 -> new SwimMessage.Ack(random.nextInt(50), updates);
                    case 2 -> new SwimMessage.PingReq(random.nextInt(50), 1 + random.nextInt(members), updates);
                    case 3 -> new SwimMessage.Nack(random.nextInt(50), updates);
                    default -> new SwimMessage.PushPull(random.nextInt(2) == 0, 0, 1, updates);
                };
                node.onMessage(from, message);
            } else {
                env.advanceMs(node, random.nextInt(3000));
            }
            assertTrue(node.incarnation() >= incarnation, "incarnation went back");
            assertTrue(node.memberCount() >= memberCount, "a member disappeared without removeMember");
            assertEquals(MemberState.ALIVE, node.stateOf(1), "a node never accepts an accusation against itself");
            assertTrue(node.localHealthScore() >= 0 && node.localHealthScore() < config.localHealthMax());
            if (!lifeguard) assertEquals(0, node.localHealthScore());
            incarnation = node.incarnation();
            memberCount = node.memberCount();
        }
        for (FakeEnv.Sent sent : env.sent) {
            int cap = sent.message() instanceof SwimMessage.PushPull ? config.pushPullChunkMax() : config.gossipPerMessageMax();
            assertTrue(sent.message().gossip().size() <= cap, "message over its bound: " + sent);
            assertTrue(sent.to() != 1, "a node never messages itself");
        }
    }
}
