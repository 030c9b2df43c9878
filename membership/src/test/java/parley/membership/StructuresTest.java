package parley.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import parley.core.env.SplittableRandomSource;

/** The small data structures under the node: checked against plain JDK collections. */
class StructuresTest {
    @Property(tries = 300)
    void longIntMapBehavesLikeAHashMap(@ForAll @Size(max = 400) List<@IntRange(min = -40, max = 40) Integer> ops,
                                       @ForAll @LongRange(min = 0, max = 1000) long keySpread) {
        LongIntMap map = new LongIntMap(2);
        Map<Long, Integer> reference = new HashMap<>();
        int step = 0;
        for (int op : ops) {
            long key = op * (keySpread + 1) * 1024;  // multiples of a power of two collide in the low bits
            if (op % 3 == 0) {
                assertEquals(reference.remove(key) != null, map.remove(key));
            } else {
                map.put(key, step);
                reference.put(key, step);
            }
            step++;
            assertEquals(reference.size(), map.size());
        }
        for (int k = -40; k <= 40; k++) {
            long key = k * (keySpread + 1) * 1024;
            assertEquals(reference.getOrDefault(key, -1), map.get(key));
        }
    }

    @Property(tries = 100)
    void memberTableSurvivesRemovalsInAnyOrder(@ForAll @IntRange(min = 1, max = 200) int members, @ForAll @LongRange(min = 0, max = 1000) long seed) {
        MemberTable table = new MemberTable(4);
        for (long id = 1; id <= members; id++) table.add(id * 7, "a" + id, id, id % 5 == 0 ? MemberState.DEAD : MemberState.ALIVE);
        SplittableRandomSource random = new SplittableRandomSource(seed);
        Set<Long> present = new HashSet<>();
        for (long id = 1; id <= members; id++) present.add(id);
        for (int i = 0; i < members / 2; i++) {
            long id = 1 + random.nextInt(members);
            assertEquals(present.remove(id), table.remove(id * 7));
        }
        assertEquals(present.size(), table.size());
        long live = present.stream().filter(id -> id % 5 != 0).count();
        assertEquals(live, table.liveCount());
        for (long id : present) {
            int slot = table.slotOf(id * 7);
            assertTrue(slot >= 0);
            assertEquals("a" + id, table.address(slot));
            assertEquals(id, table.incarnation(slot));
        }
    }

    @Test
    void gossipSendsEachUpdateExactlyItsLimitThenForgetsIt() {
        GossipQueue queue = new GossipQueue();
        for (long id = 1; id <= 10; id++) queue.enqueue(new Update(id, "", 0, MemberState.ALIVE, 0));
        Map<Long, Integer> sent = new HashMap<>();
        for (int message = 0; message < 100; message++) {
            for (Update u : queue.take(3, 6)) sent.merge(u.memberId(), 1, Integer::sum);
        }
        assertEquals(10, sent.size());
        assertTrue(sent.values().stream().allMatch(n -> n == 6), sent.toString());
        assertEquals(0, queue.size());
    }

    @Test
    void gossipSendsFreshNewsFirstAndANewerFactReplacesAnOlderOne() {
        GossipQueue queue = new GossipQueue();
        queue.enqueue(new Update(1, "", 0, MemberState.ALIVE, 0));
        queue.take(1, 10);
        queue.enqueue(new Update(2, "", 0, MemberState.ALIVE, 0));
        assertEquals(2, queue.take(1, 10).get(0).memberId(), "never sent beats sent once");
        queue.enqueue(new Update(2, "", 0, MemberState.SUSPECT, 5));
        assertEquals(2, queue.size());
        List<Update> both = queue.take(5, 10);
        assertTrue(both.contains(new Update(2, "", 0, MemberState.SUSPECT, 5)));
        assertTrue(both.stream().noneMatch(u -> u.state() == MemberState.ALIVE && u.memberId() == 2));
    }

    @Test
    void suspicionTimeoutShrinksLogarithmicallyWithConfirmations() {
        long min = 8_000, max = 48_000;
        assertEquals(max, Suspicion.timeoutNs(min, max, 0, 2));
        long one = Suspicion.timeoutNs(min, max, 1, 2);
        assertEquals((long) Math.floor(max - (max - min) * Math.log(2) / Math.log(3)), one);
        assertEquals(min, Suspicion.timeoutNs(min, max, 2, 2));
        assertEquals(min, Suspicion.timeoutNs(min, max, 5, 2), "never below the minimum");
        assertEquals(min, Suspicion.timeoutNs(min, max, 0, 0), "no confirmations expected: the minimum");
    }

    @Test
    void formulasFollowTheCluster() {
        SwimConfig config = SwimConfig.defaults();
        assertEquals(4 * 4, config.retransmitLimit(1000), "lambda * ceil(log10(N + 1)): log10(1001) rounds up to 4");
        assertEquals(4 * 3, config.retransmitLimit(999));
        assertEquals(12_000_000_000L, config.suspicionTimeoutMinNs(1000), "4 * log10(1000) * 1 s");
        assertEquals(4_000_000_000L, config.suspicionTimeoutMinNs(3), "log10 floored at 1");
        assertEquals(30_000_000_000L, config.pushPullIntervalNs(32));
        assertEquals(30_000_000_000L * 10, config.pushPullIntervalNs(10_000), "one base interval more per doubling past 32");
    }

    @Test
    void localHealthSaturates() {
        LocalHealth health = new LocalHealth(8);
        health.apply(-3);
        assertEquals(0, health.score());
        health.apply(100);
        assertEquals(7, health.score());
        assertEquals(8_000, health.scale(1_000));
        LocalHealth off = new LocalHealth(1);
        off.apply(5);
        assertEquals(1_000, off.scale(1_000));
    }

    @Property(tries = 200)
    void arrivalWindowKeepsTheMeanOfTheNewestSamplesWhileItGrows(@ForAll @IntRange(min = 2, max = 40) int capacity,
                                                                 @ForAll @Size(max = 120) List<@IntRange(min = 1, max = 10_000) Integer> samples) {
        ArrivalWindow window = new ArrivalWindow(capacity);
        for (int sample : samples) window.add(sample);
        List<Integer> newest = samples.subList(Math.max(0, samples.size() - capacity), samples.size());
        assertEquals(newest.size(), window.size());
        double mean = newest.stream().mapToInt(Integer::intValue).average().orElse(0);
        assertEquals(mean, window.meanNs(), 1e-6);
    }
}
