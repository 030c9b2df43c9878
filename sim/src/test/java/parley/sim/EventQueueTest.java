package parley.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class EventQueueTest {

    /** Operations: 0-5 schedule a new event, 6-7 reschedule one, 8 remove one, 9 poll. */
    @Property(tries = 200)
    void behavesLikeASortedSetByTimeThenSequence(@ForAll @Size(max = 300) List<@IntRange(min = 0, max = 9) Integer> ops,
                                                 @ForAll @Size(max = 300) List<@IntRange(min = 0, max = 20) Integer> times) {
        EventQueue queue = new EventQueue();
        TreeSet<Event> model = new TreeSet<>(Comparator.<Event>comparingLong(e -> e.timeNs).thenComparingLong(e -> e.seq));
        List<Event> known = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            int op = ops.get(i);
            long time = times.isEmpty() ? i : times.get(i % times.size());
            if (op <= 5 || known.isEmpty()) {
                Event event = new Event(Event.ACTION);
                queue.schedule(event, time);
                model.add(event);
                known.add(event);
            } else if (op <= 7) {
                Event event = known.get(i % known.size());
                model.remove(event);
                queue.schedule(event, time);
                model.add(event);
            } else if (op == 8) {
                Event event = known.remove(i % known.size());
                model.remove(event);
                queue.remove(event);
            } else {
                Event polled = queue.poll();
                assertEquals(model.pollFirst(), polled);
                known.remove(polled);
            }
            assertEquals(model.size(), queue.size());
        }
        while (!model.isEmpty()) {
            assertEquals(model.pollFirst(), queue.poll());
        }
        assertNull(queue.poll());
    }
}
