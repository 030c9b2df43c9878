package parley.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.constraints.IntRange;

/** Properties over random command sequences: codec, snapshots, a reference model, watch replay. */
class KvPropertiesTest {
    @Provide
    Arbitrary<List<KvCommand>> histories() {
        return KvArbitraries.commands().list().ofMinSize(5).ofMaxSize(60).withSizeDistribution(RandomDistribution.uniform());
    }

    @Property(tries = 300, edgeCases = EdgeCasesMode.MIXIN)
    void commandsRoundTripThroughTheCodec(@ForAll("codecCommands") KvCommand command) {
        byte[] bytes = KvCodec.encodeCommand(command);
        assertEquals(command, KvCodec.decodeCommand(bytes));
        assertArrayEquals(bytes, KvCodec.encodeCommand(KvCodec.decodeCommand(bytes)));
    }

    @Provide
    Arbitrary<KvCommand> codecCommands() {
        return KvArbitraries.codecCommands();
    }

    @Property(tries = 300, edgeCases = EdgeCasesMode.MIXIN)
    void resultsRoundTripThroughTheCodec(@ForAll("results") KvResult result) {
        byte[] bytes = KvCodec.encodeResult(result);
        assertEquals(result, KvCodec.decodeResult(bytes));
    }

    @Provide
    Arbitrary<KvResult> results() {
        return KvArbitraries.results();
    }

    @Property(tries = 150, edgeCases = EdgeCasesMode.MIXIN)
    void aRestoredSnapshotBehavesExactlyLikeTheOriginal(@ForAll("histories") List<KvCommand> commands,
            @ForAll @IntRange(min = 0, max = 60) int cut) {
        int split = Math.min(cut, commands.size());
        KvStateMachine original = new KvStateMachine();
        long index = 0;
        for (KvCommand command : commands.subList(0, split)) {
            original.apply(++index, KvCodec.encodeCommand(command));
        }
        KvStateMachine restored = new KvStateMachine();
        restored.apply(1, KvCodec.encodeCommand(KvCommand.Put.of(Bytes.utf8("stale"), Bytes.utf8("state"))));
        restored.restore(original.snapshot());
        assertEquals(original.hash(), restored.hash());
        for (KvCommand command : commands.subList(split, commands.size())) {
            index++;
            byte[] bytes = KvCodec.encodeCommand(command);
            assertArrayEquals(original.apply(index, bytes), restored.apply(index, bytes), () -> "answer to " + command);
        }
        assertEquals(original.hash(), restored.hash());
        assertArrayEquals(original.snapshot(), restored.snapshot());
    }

    @Property(tries = 200, edgeCases = EdgeCasesMode.MIXIN)
    void storedAndLiveBytesMatchWhatTheStoreHoldsThroughCompactionsAndRestores(@ForAll("histories") List<KvCommand> commands) {
        KvStateMachine kv = new KvStateMachine();
        long index = 0;
        for (KvCommand command : commands) {
            kv.apply(++index, KvCodec.encodeCommand(command));
            assertBytesRecounted(kv.store(), "after " + command);
        }
        KvStateMachine restored = new KvStateMachine();
        restored.restore(kv.snapshot());
        assertBytesRecounted(restored.store(), "after a restore");
        assertEquals(kv.store().storedBytes(), restored.store().storedBytes());
    }

    @Property(tries = 100, edgeCases = EdgeCasesMode.MIXIN)
    void compactingToTheRevisionAfterTheOldestBytesFreesThem(@ForAll("histories") List<KvCommand> commands,
            @ForAll @IntRange(min = 1, max = 400) int bytesToFree) {
        KvStateMachine kv = new KvStateMachine();
        long index = 0;
        for (KvCommand command : commands) kv.apply(++index, KvCodec.encodeCommand(command));
        MvccStore store = kv.store();
        long history = store.storedBytes() - store.liveBytes();
        long target = store.revisionAfterOldest(bytesToFree);
        assertTrue(target <= store.revision(), "within the store's revisions");
        if (store.revision() > store.compactRevision()) assertTrue(target > store.compactRevision(), "always past the last compaction");
        if (target > store.compactRevision()) {
            kv.apply(++index, KvCodec.encodeCommand(new KvCommand.Compact(target)));
            long after = store.storedBytes() - store.liveBytes();
            assertTrue(after <= history, "compaction never adds history: " + history + " -> " + after);
            assertBytesRecounted(store, "after the compaction");
        }
    }

    private static void assertBytesRecounted(MvccStore store, String when) {
        long stored = 0;
        for (Mutation change : store.allChanges()) stored += change.kv().key().length() + change.kv().value().length();
        long live = 0;
        for (KeyValue kv : store.liveValues()) live += kv.key().length() + kv.value().length();
        assertEquals(stored, store.storedBytes(), "stored bytes " + when);
        assertEquals(live, store.liveBytes(), "live bytes " + when);
    }

    @Property(tries = 200, edgeCases = EdgeCasesMode.MIXIN)
    void rangesAgreeWithAReferenceModel(@ForAll("modelHistories") List<KvCommand> commands) {
        Kv kv = new Kv();
        ReferenceModel model = new ReferenceModel();
        for (KvCommand command : commands) {
            KvResult result = kv.apply(command);
            model.apply(command, result);
            assertEquals(model.revision(), result.revision(), () -> "revision after " + command);
            assertEquals(model.liveAt(model.revision()), kv.range(KvCommand.Range.of(KeyRange.all())).kvs());
        }
        for (long revision = 1; revision <= model.revision(); revision++) {
            KvResult past = kv.apply(KvCommand.Range.of(KeyRange.all()).atRevision(revision));
            if (revision < model.compactRevision()) {
                assertEquals(KvError.COMPACTED, ((KvResult.Failure) past).error());
            } else {
                assertEquals(model.liveAt(revision), ((KvResult.RangeResult) past).kvs(), "at revision " + revision);
            }
        }
    }

    @Provide
    Arbitrary<List<KvCommand>> modelHistories() {
        Arbitrary<Long> noLease = Arbitraries.just(0L);
        Arbitrary<KvCommand> command = Arbitraries.frequencyOf(
                KvArbitraries.Tuple2Weights.of(6, KvArbitraries.puts(noLease)),
                KvArbitraries.Tuple2Weights.of(3, KvArbitraries.deletes()),
                KvArbitraries.Tuple2Weights.of(4, KvArbitraries.flatTxns(noLease)),
                KvArbitraries.Tuple2Weights.of(1, Arbitraries.longs().between(0, 12).map(KvCommand.Compact::new)));
        return command.list().ofMinSize(5).ofMaxSize(60).withSizeDistribution(RandomDistribution.uniform());
    }

    @Property(tries = 150, edgeCases = EdgeCasesMode.MIXIN)
    void replayedWatchEventsEqualTheLiveOnes(@ForAll("histories") List<KvCommand> commands,
            @ForAll @IntRange(min = 1, max = 4) int batchEventsMax) {
        Kv kv = new Kv(new KvConfig(128, 8, 1, 1000, batchEventsMax, 1000, 10));
        WatchHub hub = kv.machine.watches();
        long liveId = hub.watch(WatchRequest.of(KeyRange.all(), 0).withPrevKv());
        long livePrefixId = hub.watch(WatchRequest.of(KeyRange.prefix(Bytes.utf8("a")), 0));
        List<WatchResponse> live = new ArrayList<>(hub.drain());
        for (KvCommand command : commands) {
            if (!(command instanceof KvCommand.Compact)) {
                kv.apply(command);
                live.addAll(hub.drain());
            }
        }
        long replayId = hub.watch(WatchRequest.of(KeyRange.all(), 2).withPrevKv());
        long replayPrefixId = hub.watch(WatchRequest.of(KeyRange.prefix(Bytes.utf8("a")), 2));
        List<WatchResponse> replayed = new ArrayList<>(hub.drain());
        while (hub.catchingUp()) {
            replayed.addAll(hub.drain());
        }
        List<Event> liveEvents = eventsOf(live, liveId);
        assertEquals(liveEvents, eventsOf(replayed, replayId));
        assertEquals(eventsOf(live, livePrefixId), eventsOf(replayed, replayPrefixId));
        assertEquals(kv.machine.store().historySize(), liveEvents.size(), "one event per stored change");
        assertWholeRevisions(replayed);
        assertWholeRevisions(live);
    }

    @Property(tries = 150, edgeCases = EdgeCasesMode.MIXIN)
    void aWatcherWhoseConsumerStallsStillGetsEveryEventOnceInOrder(@ForAll("histories") List<KvCommand> commands,
            @ForAll @IntRange(min = 1, max = 4) int batchEventsMax, @ForAll @IntRange(min = 0, max = 6) int blockedEventsMax,
            @ForAll long stallSeed) {
        // The consumer says "no more" at random moments and reads again at others; what it finally
        // gets must equal what a consumer that always reads got: same events, same order, whole revisions.
        Kv kv = new Kv(new KvConfig(128, 8, 1, 1000, batchEventsMax, Math.max(batchEventsMax, 5), 10, blockedEventsMax));
        WatchHub hub = kv.machine.watches();
        java.util.SplittableRandom stalls = new java.util.SplittableRandom(stallSeed);
        long steadyId = hub.watch(WatchRequest.of(KeyRange.all(), 0).withPrevKv());
        long stallingId = hub.watch(WatchRequest.of(KeyRange.all(), 0).withPrevKv());
        List<WatchResponse> seen = new ArrayList<>(hub.drain());
        for (KvCommand command : commands) {
            if (!(command instanceof KvCommand.Compact)) {
                kv.apply(command);
            }
            if (stalls.nextInt(3) == 0) {
                if (hub.blocked(stallingId)) hub.unblock(stallingId);
                else hub.block(stallingId);
            }
            seen.addAll(hub.drain());
            assertTrue(hub.blockedBufferedEvents() <= blockedEventsMax, "blocked budget kept");
        }
        hub.unblock(stallingId);
        seen.addAll(hub.drain());
        while (hub.catchingUp()) {
            seen.addAll(hub.drain());
        }
        assertEquals(eventsOf(seen, steadyId), eventsOf(seen, stallingId));
        assertWholeRevisions(seen);
    }

    private static List<Event> eventsOf(List<WatchResponse> responses, long watchId) {
        return responses.stream().filter(response -> response.watchId() == watchId)
                .flatMap(response -> response.events().stream()).toList();
    }

    /** Each revision's events sit in exactly one response, and revisions ascend without repeats. */
    private static void assertWholeRevisions(List<WatchResponse> responses) {
        Map<String, Integer> responseOfRevision = new TreeMap<>();
        Map<Long, Long> lastByWatch = new TreeMap<>();
        for (int i = 0; i < responses.size(); i++) {
            long watchId = responses.get(i).watchId();
            for (Event event : responses.get(i).events()) {
                Integer previous = responseOfRevision.putIfAbsent(watchId + "@" + event.revision(), i);
                assertTrue(previous == null || previous == i, "revision " + event.revision() + " split across responses");
                assertTrue(event.revision() >= lastByWatch.getOrDefault(watchId, 0L), "revisions ascend");
                lastByWatch.put(watchId, event.revision());
            }
        }
    }
}
