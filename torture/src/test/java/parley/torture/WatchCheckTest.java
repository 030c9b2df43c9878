package parley.torture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WatchCheckTest {
    private static final List<Watcher.Seen> GOOD = List.of(seen(2, "a", 1L), seen(3, "b", 2L), seen(4, "a", 3L), seen(4, "b", 3L));

    @Test
    void aCompleteStreamAndMatchingAnswersPass() {
        WatchCheck.Result r = WatchCheck.check(streams(List.of(GOOD, GOOD)), 2, 4,
                List.of(new Recorder.AckedWrite("a", 3, 4, "txn-write"), new Recorder.AckedWrite("b", 3, 4, "txn-write")),
                List.of(read(3, "a", 1L, "b", 2L), read(1, "a", null, "b", null)));
        assertTrue(r.passed(), r.problems().toString());
    }

    @Test
    void gapsRepeatsAndShortStreamsAreCaught() {
        List<Watcher.Seen> gap = List.of(seen(2, "a", 1L), seen(4, "a", 3L), seen(4, "b", 3L));
        List<Watcher.Seen> repeat = new ArrayList<>(GOOD);
        repeat.add(seen(3, "b", 2L));
        List<Watcher.Seen> shortStream = GOOD.subList(0, 2);
        WatchCheck.Result r = WatchCheck.check(streams(List.of(GOOD, gap, repeat, shortStream)), 2, 4,
                List.of(), List.of());
        String all = String.join("\n", r.problems());
        assertTrue(all.contains("watcher 1: missed revision 3"), all);
        assertTrue(all.contains("watcher 2: revision 3 after 4"), all);
        assertTrue(all.contains("watcher 3: saw up to revision 3 but the cluster reached 4"), all);
        assertEquals(3, r.problemCount());
    }

    @Test
    void aLostWriteAndATornSnapshotAreCaught() {
        WatchCheck.Result r = WatchCheck.check(streams(List.of(GOOD)), 2, 4,
                List.of(new Recorder.AckedWrite("a", 9, 3, "write")),
                List.of(read(3, "a", 3L, "b", 2L)));
        String all = String.join("\n", r.problems());
        assertTrue(all.contains("acknowledged write a=9 at revision 3, but watchers saw [b=2]"), all);
        assertTrue(all.contains("read at revision 3 returned a=3, but the watch streams give a=1"), all);
    }

    private static Watcher.Seen seen(long revision, String key, Long value) {
        return new Watcher.Seen(revision, key, value);
    }

    private static Recorder.AckedRead read(long revision, String k1, Long v1, String k2, Long v2) {
        Map<String, Long> values = new HashMap<>();
        values.put(k1, v1);
        values.put(k2, v2);
        return new Recorder.AckedRead(values, revision, "txn-read", 0);
    }

    private static Map<Integer, List<Watcher.Seen>> streams(List<List<Watcher.Seen>> perWatcher) {
        Map<Integer, List<Watcher.Seen>> out = new HashMap<>();
        for (int i = 0; i < perWatcher.size(); i++) out.put(i, perWatcher.get(i));
        return out;
    }
}
