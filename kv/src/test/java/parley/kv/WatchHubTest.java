package parley.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static parley.kv.Kv.b;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Watches: replay from history, then live; gap-free, whole revisions, compaction, slow readers. */
class WatchHubTest {
    private final Kv kv = new Kv(new KvConfig(128, 8, 1, 1000, 3, 8, 4));
    private final WatchHub hub = kv.machine.watches();

    /** Drains until no watcher is catching up; returns all responses. */
    private List<WatchResponse> drainAll() {
        List<WatchResponse> all = new ArrayList<>(hub.drain());
        while (hub.catchingUp()) {
            all.addAll(hub.drain());
        }
        return all;
    }

    private static List<Event> events(List<WatchResponse> responses) {
        return responses.stream().flatMap(response -> response.events().stream()).toList();
    }

    private static List<String> describe(List<Event> events) {
        return events.stream().map(event -> event.type() + " " + event.kv().key().toUtf8() + "@" + event.revision()).toList();
    }

    @Test
    void aWatchFromNowSeesLiveEventsAfterItsCreatedNotice() {
        kv.put("a", "0");
        long id = hub.watch(WatchRequest.of(KeyRange.prefix(b("a")), 0));
        List<WatchResponse> first = hub.drain();
        assertEquals(List.of(WatchResponse.created(id, 2)), first);
        kv.put("a", "1");
        kv.put("b", "1");
        kv.delete("a");
        List<WatchResponse> live = hub.drain();
        assertEquals(List.of("PUT a@3", "DELETE a@5"), describe(events(live)));
        assertEquals(5, live.get(0).revision());
        assertNull(events(live).get(0).prevKv(), "prevKv only when asked");
        assertEquals(List.of(), hub.drain());
    }

    @Test
    void aWatchFromThePastReplaysHistoryThenJoinsTheLiveStreamWithoutGaps() {
        for (int i = 0; i < 7; i++) {
            kv.put("k" + i, "v");
        }
        long id = hub.watch(WatchRequest.of(KeyRange.prefix(b("k")), 3).withPrevKv());
        List<WatchResponse> replayed = new ArrayList<>(hub.drain());
        assertTrue(replayed.get(0).created());
        assertEquals(3, replayed.get(1).events().size(), "batches of at most 3 events");
        kv.put("k0", "w"); // revision 9, applied while the watcher is still replaying
        replayed.addAll(drainAll());
        kv.put("k1", "w");
        replayed.addAll(hub.drain());
        assertEquals(List.of("PUT k1@3", "PUT k2@4", "PUT k3@5", "PUT k4@6", "PUT k5@7", "PUT k6@8", "PUT k0@9", "PUT k1@10"),
                describe(events(replayed)));
        assertEquals(b("v"), events(replayed).get(7).prevKv().value());
        assertTrue(replayed.stream().allMatch(response -> response.watchId() == id));
    }

    @Test
    void aRevisionIsNeverSplitAcrossResponses() {
        long id = hub.watch(WatchRequest.of(KeyRange.all(), 0));
        hub.drain();
        List<KvCommand.Op> five = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            five.add(KvCommand.Put.of(b("t" + i), b("x")));
        }
        kv.put("before", "x");
        kv.expect(KvResult.TxnResult.class, new KvCommand.Txn(List.of(), five, List.of()));
        kv.put("after", "x");
        List<WatchResponse> live = hub.drain();
        assertEquals(List.of(1, 5, 1), live.stream().map(response -> response.events().size()).toList());
        long replayId = hub.watch(WatchRequest.of(KeyRange.all(), 2));
        List<WatchResponse> replay = drainAll().stream().filter(response -> response.watchId() == replayId && !response.created()).toList();
        assertEquals(List.of(1, 5, 1), replay.stream().map(response -> response.events().size()).toList());
        assertEquals(events(live), events(replay));
        assertTrue(id != replayId);
    }

    @Test
    void aWatchBelowTheCompactRevisionIsCanceledWithIt() {
        kv.put("a", "1"); // 2
        kv.put("a", "2"); // 3
        kv.delete("a"); // 4
        kv.expect(KvResult.CompactResult.class, new KvCommand.Compact(4));
        long tooOld = hub.watch(WatchRequest.of(KeyRange.single(b("a")), 3));
        long atCompaction = hub.watch(WatchRequest.of(KeyRange.single(b("a")), 4));
        List<WatchResponse> responses = drainAll();
        WatchResponse canceled = responses.stream().filter(response -> response.watchId() == tooOld && response.canceled()).findFirst().orElseThrow();
        assertEquals(4, canceled.compactRevision());
        assertEquals(List.of("DELETE a@4"), describe(events(responses.stream().filter(response -> response.watchId() == atCompaction).toList())),
                "a watch from the compact revision still sees its delete");
        assertEquals(List.of(atCompaction), hub.watchIds());
    }

    @Test
    void filtersAndPrevKv() {
        kv.put("a", "1");
        hub.watch(new WatchRequest(KeyRange.single(b("a")), 0, true, true, false));
        hub.drain();
        kv.put("a", "2");
        kv.delete("a");
        List<Event> seen = events(hub.drain());
        assertEquals(List.of("DELETE a@4"), describe(seen));
        assertEquals(b("2"), seen.get(0).prevKv().value());
    }

    @Test
    void cancelStopsEventsAndSaysSo() {
        long id = hub.watch(WatchRequest.of(KeyRange.all(), 0));
        hub.drain();
        kv.put("a", "1");
        assertTrue(hub.cancel(id));
        assertFalse(hub.cancel(id));
        List<WatchResponse> responses = hub.drain();
        assertEquals(List.of(WatchResponse.canceled(id, 2, "")), responses);
    }

    @Test
    void progressIsOnlyForWatchersThatAreUpToDate() {
        kv.put("a", "1");
        long live = hub.watch(WatchRequest.of(KeyRange.all(), 0));
        long replaying = hub.watch(WatchRequest.of(KeyRange.all(), 2));
        assertEquals(List.of(WatchResponse.progress(live, 2)), hub.progress());
        drainAll();
        assertEquals(List.of(WatchResponse.progress(live, 2), WatchResponse.progress(replaying, 2)), hub.progress());
        kv.put("a", "2");
        assertTrue(hub.progress(live).isEmpty(), "an event is still buffered");
        hub.drain();
        assertTrue(hub.progress(live).orElseThrow().isProgressNotify());
    }

    @Test
    void aSlowWatcherFallsBackToHistoryInsteadOfBufferingWithoutBound() {
        long id = hub.watch(WatchRequest.of(KeyRange.all(), 0));
        hub.drain();
        for (int i = 0; i < 10; i++) {
            kv.put("k" + i, "v"); // more than the 8 pending events allowed
        }
        assertTrue(hub.catchingUp());
        List<WatchResponse> responses = drainAll();
        assertEquals(10, events(responses).size());
        assertEquals(List.of(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L), events(responses).stream().map(Event::revision).toList());
        assertTrue(responses.stream().allMatch(response -> response.watchId() == id && response.events().size() <= 3));
    }

    @Test
    void aWatchFromAFutureRevisionWaitsForIt() {
        hub.watch(WatchRequest.of(KeyRange.all(), 4));
        hub.drain();
        kv.put("a", "1");
        kv.put("a", "2");
        kv.put("a", "3");
        assertEquals(List.of("PUT a@4"), describe(events(hub.drain())));
    }

    @Test
    void theHubIsBounded() {
        for (int i = 0; i < 4; i++) {
            hub.watch(WatchRequest.of(KeyRange.all(), 0));
        }
        long refused = hub.watch(WatchRequest.of(KeyRange.all(), 0));
        List<WatchResponse> responses = hub.drain();
        assertTrue(responses.stream().anyMatch(response -> response.watchId() == refused && response.canceled()));
        assertEquals(4, hub.watchIds().size());
    }

    @Test
    void watchersSurviveARestoreAndCatchUpFromTheRestoredHistory() {
        Kv leader = new Kv();
        hub.watch(WatchRequest.of(KeyRange.all(), 0));
        hub.drain();
        kv.put("a", "1");
        leader.put("a", "1");
        leader.put("b", "1");
        leader.put("c", "1");
        kv.machine.restore(leader.machine.snapshot());
        List<WatchResponse> responses = drainAll();
        assertEquals(List.of("PUT a@2", "PUT b@3", "PUT c@4"), describe(events(responses)));
    }

    @Test
    void aBlockedWatcherGetsNothingUntilUnblockedThenEverythingItMissed() {
        long blocked = hub.watch(WatchRequest.of(KeyRange.all(), 0));
        long reading = hub.watch(WatchRequest.of(KeyRange.all(), 0));
        hub.drain();
        assertTrue(hub.block(blocked));
        kv.put("a", "1"); // 2
        kv.put("b", "1"); // 3
        List<WatchResponse> whileBlocked = hub.drain();
        assertTrue(whileBlocked.stream().allMatch(response -> response.watchId() == reading), whileBlocked.toString());
        assertEquals(2, events(whileBlocked).size());
        assertTrue(hub.progress(blocked).isEmpty(), "no progress notice to a consumer that does not read");
        assertEquals(2, hub.blockedBufferedEvents());
        assertFalse(hub.catchingUp(), "a blocked watcher is no reason to drain again");
        assertTrue(hub.unblock(blocked));
        assertEquals(0, hub.blockedBufferedEvents());
        kv.put("c", "1"); // 4
        List<WatchResponse> after = drainAll();
        assertEquals(List.of("PUT a@2", "PUT b@3", "PUT c@4"),
                describe(events(after.stream().filter(response -> response.watchId() == blocked).toList())));
        assertTrue(hub.progress(blocked).isPresent());
    }

    @Test
    void blockedWatchersShareABoundedBufferAndThenCatchUpFromHistory() {
        Kv small = new Kv(new KvConfig(128, 8, 1, 1000, 3, 8, 4, 4));
        WatchHub smallHub = small.machine.watches();
        long first = smallHub.watch(WatchRequest.of(KeyRange.all(), 0));
        long second = smallHub.watch(WatchRequest.of(KeyRange.all(), 0));
        smallHub.drain();
        smallHub.block(first);
        smallHub.block(second);
        for (int i = 0; i < 6; i++) {
            small.put("k" + i, "v"); // revisions 2..7: 12 events wanted, 4 may wait in buffers
            assertTrue(smallHub.blockedBufferedEvents() <= 4, "blocked budget kept: " + smallHub.blockedBufferedEvents());
        }
        assertEquals(List.of(), smallHub.drain());
        smallHub.unblock(first);
        smallHub.unblock(second);
        List<WatchResponse> responses = new ArrayList<>(smallHub.drain());
        while (smallHub.catchingUp()) {
            responses.addAll(smallHub.drain());
        }
        for (long id : List.of(first, second)) {
            assertEquals(List.of(2L, 3L, 4L, 5L, 6L, 7L), events(responses.stream().filter(response -> response.watchId() == id).toList())
                    .stream().map(Event::revision).toList(), "watch " + id + " gap-free after its buffer was dropped");
        }
    }

    @Test
    void aWatcherBlockedPastCompactionIsCanceledWithTheCompactRevisionWhenItReadsAgain() {
        Kv small = new Kv(new KvConfig(128, 8, 1, 1000, 3, 8, 4, 0));
        WatchHub smallHub = small.machine.watches();
        long id = smallHub.watch(WatchRequest.of(KeyRange.all(), 0));
        smallHub.drain();
        smallHub.block(id);
        small.put("a", "1"); // 2: dropped at once (no blocked budget), read from history later
        small.put("a", "2"); // 3
        small.expect(KvResult.CompactResult.class, new KvCommand.Compact(3));
        assertEquals(List.of(), smallHub.drain());
        smallHub.unblock(id);
        WatchResponse canceled = smallHub.drain().get(0);
        assertTrue(canceled.canceled());
        assertEquals(3, canceled.compactRevision());
        assertEquals(List.of(), smallHub.watchIds());
    }

    @Test
    void blockingAndUnblockingAnEndedWatchIsHarmless() {
        long id = hub.watch(WatchRequest.of(KeyRange.all(), 0));
        hub.block(id);
        kv.put("a", "1");
        assertTrue(hub.cancel(id));
        assertEquals(0, hub.blockedBufferedEvents(), "a canceled blocked watch gives its buffer back");
        assertFalse(hub.block(id));
        assertFalse(hub.unblock(id));
    }
}
