package parley.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import parley.core.env.Env;
import parley.core.env.RandomSource;
import parley.core.env.SplittableRandomSource;
import parley.kv.Bytes;
import parley.kv.KeyRange;
import parley.kv.KvCodec;
import parley.kv.KvCommand;
import parley.kv.KvResult;
import parley.kv.WatchRequest;
import parley.kv.WatchResponse;
import parley.raft.ClusterConfig;
import parley.raft.MemoryRaftStorage;
import parley.raft.RaftMessage;

/**
 * The replica's own policy, driven by hand on one node: a single-voter group elects itself, so
 * every write commits as soon as its sync completes. Multi-node behaviour runs in the simulator
 * (harness) and the real server, both of which run this same class.
 */
class KvReplicaTest {
    /** A one-node world: a clock the test moves, timers that fire when due, no peers. */
    static final class World implements Env<RaftMessage> {
        long nowNs;
        final TreeMap<Integer, Long> timers = new TreeMap<>();
        final RandomSource random = new SplittableRandomSource(42);
        final MemoryRaftStorage storage = new MemoryRaftStorage();
        KvReplica replica;

        @Override public long nodeId() { return 1; }
        @Override public long nowNs() { return nowNs; }
        @Override public RandomSource random() { return random; }
        @Override public void send(long to, RaftMessage message) { throw new AssertionError("a single voter sends nothing"); }
        @Override public void setTimer(int timerId, long delayNs) { timers.put(timerId, nowNs + delayNs); }
        @Override public void cancelTimer(int timerId) { timers.remove(timerId); }

        /** Advances time by {@code ns}, firing due timers in order and completing syncs. */
        void run(long ns) {
            long end = nowNs + ns;
            while (true) {
                completeSyncs();
                var due = timers.entrySet().stream().filter(e -> e.getValue() <= end).min(java.util.Map.Entry.comparingByValue());
                if (due.isEmpty()) break;
                nowNs = Math.max(nowNs, due.get().getValue());
                timers.remove(due.get().getKey());
                replica.onTimer(due.get().getKey());
            }
            nowNs = end;
            completeSyncs();
        }

        void completeSyncs() {
            while (storage.hasPendingSync()) replica.onSyncComplete(storage.completeNextSync());
        }
    }

    /** Collects one reply. */
    static final class Answer<T> implements Reply<T> {
        T value;
        ReplicaError error;
        int calls;

        @Override public void ok(T v) { value = v; calls++; }
        @Override public void failed(ReplicaError e) { error = e; calls++; }
    }

    private static World started(ReplicaSettings settings) {
        World world = new World();
        world.replica = new KvReplica(world, world.storage, settings, ClusterConfig.of(Set.of(1L), Set.of()),
                RaftNodeFactory.STANDARD, ReplicaObserver.NONE);
        world.replica.start();
        world.run(2_000_000_000L);
        assertTrue(world.replica.isLeader(), "a single voter elects itself");
        return world;
    }

    private static ReplicaSettings settings(long retentionRevisions, long quotaBytes) {
        ReplicaSettings base = ReplicaSettings.standard(150, 300, 30, quotaBytes, retentionRevisions);
        return new ReplicaSettings(base.raft(), retentionRevisions, base.historyRetentionBytes(), quotaBytes, 100, 0);
    }

    private static Answer<KvResult> put(World world, String key, String value) {
        Answer<KvResult> answer = new Answer<>();
        KvCommand command = KvCommand.Put.of(Bytes.utf8(key), Bytes.utf8(value));
        world.replica.write(KvReplica.Write.own(command, KvCodec.encodeCommand(command), answer));
        world.run(1_000_000L);
        return answer;
    }

    @Test
    void writesApplyAndAreAnsweredOnceAndReadsSeeThem() {
        World world = started(settings(0, 0));
        Answer<KvResult> put = put(world, "k", "v1");
        assertEquals(1, put.calls);
        assertInstanceOf(KvResult.PutResult.class, put.value);

        Answer<KvResult> read = new Answer<>();
        world.replica.read(KvCommand.Range.of(KeyRange.single(Bytes.utf8("k"))), false, read);
        world.run(200_000_000L);
        KvResult.RangeResult range = assertInstanceOf(KvResult.RangeResult.class, read.value);
        assertEquals("v1", new String(range.kvs().get(0).value().bytes(), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(1, read.calls);
    }

    @Test
    void aClientSessionRetryAppliesOnce() {
        World world = started(settings(0, 0));
        KvCommand command = KvCommand.Put.of(Bytes.utf8("k"), Bytes.utf8("once"));
        Answer<KvResult> first = new Answer<>();
        Answer<KvResult> retry = new Answer<>();
        world.replica.write(KvReplica.Write.session(5001, 1, command, first));
        world.run(1_000_000L);
        world.replica.write(KvReplica.Write.session(5001, 1, command, retry));
        world.run(1_000_000L);
        assertNotNull(first.value);
        assertEquals(first.value, retry.value, "the retry gets the first result from the session table");
        assertEquals(2, world.replica.revision(), "applied once: one revision past the initial one");
    }

    @Test
    void writesThatAddDataAreRefusedPastTheQuotaButDeletesPass() {
        World world = started(settings(0, 64));
        assertNotNull(put(world, "k1", "0123456789012345678901234567").value);
        Answer<KvResult> over = put(world, "k2", "0123456789012345678901234567890123456789");
        ReplicaError.NoSpace noSpace = assertInstanceOf(ReplicaError.NoSpace.class, over.error);
        assertTrue(noSpace.message().contains("database space exceeded"), noSpace.message());
        Answer<KvResult> delete = new Answer<>();
        KvCommand del = new KvCommand.DeleteRange(KeyRange.single(Bytes.utf8("k1")), false);
        world.replica.write(KvReplica.Write.own(del, KvCodec.encodeCommand(del), delete));
        world.run(1_000_000L);
        assertNull(delete.error, "deletes free space and always pass");
    }

    @Test
    void aFailedDiskRefusesEveryWriteButStillServesReads() {
        World world = started(settings(0, 0));
        world.replica.diskFailed("no space left on device");
        Answer<KvResult> put = put(world, "k", "v");
        assertInstanceOf(ReplicaError.NoSpace.class, put.error);
        Answer<KvResult> read = new Answer<>();
        world.replica.read(KvCommand.Range.of(KeyRange.single(Bytes.utf8("k"))), true, read);
        assertInstanceOf(KvResult.RangeResult.class, read.value);
    }

    @Test
    void aDiskThatHasRoomAgainTakesWritesAgain() {
        World world = started(settings(0, 0));
        world.replica.diskFailed("no space left on device");
        assertInstanceOf(ReplicaError.NoSpace.class, put(world, "k", "v").error);
        world.replica.diskRecovered();
        assertNull(put(world, "k", "v").error);
    }

    @Test
    void closingAnswersEveryWaitingRequestAndEndsEveryWatchWithItsReason() {
        World world = started(settings(0, 0));
        List<WatchResponse> seen = new ArrayList<>();
        world.replica.watch(WatchRequest.of(KeyRange.all(), 0), seen::add);
        Answer<KvResult> waiting = new Answer<>();
        KvCommand command = KvCommand.Put.of(Bytes.utf8("k"), Bytes.utf8("v"));
        world.replica.write(KvReplica.Write.own(command, KvCodec.encodeCommand(command), waiting)); // not yet committed
        world.replica.close(KvReplica.CLOSED_FOR_REOPEN_REASON);
        assertInstanceOf(ReplicaError.OutcomeUnknown.class, waiting.error, "a write that may have reached the log: outcome unknown");
        WatchResponse last = seen.get(seen.size() - 1);
        assertTrue(last.canceled() && last.cancelReason().equals(KvReplica.CLOSED_FOR_REOPEN_REASON), "the watch ended: " + last);
    }

    @Test
    void theLeaderCompactsHistoryThroughTheLogOnceRetentionIsExceeded() {
        World world = started(settings(10, 0));
        for (int i = 0; i < 30; i++) put(world, "k", "v" + i);
        world.run(500_000_000L); // the lease timer's check proposes the compaction
        long revision = world.replica.revision();
        long compacted = world.replica.stateMachine().compactRevision();
        assertTrue(compacted >= revision - 10 - 1 && compacted > 0,
                "history compacted to within the retention: revision " + revision + ", compacted to " + compacted);
    }

    @Test
    void aWatchGetsEventsThenACompactedCancelWhenItAsksForHistoryThatIsGone() {
        World world = started(settings(5, 0));
        List<WatchResponse> seen = new ArrayList<>();
        world.replica.watch(WatchRequest.of(KeyRange.all(), 0), seen::add);
        put(world, "a", "1");
        assertTrue(seen.stream().anyMatch(r -> !r.events().isEmpty()), "a live watch sees the put: " + seen);

        for (int i = 0; i < 20; i++) put(world, "k", "v" + i);
        world.run(500_000_000L);
        List<WatchResponse> late = new ArrayList<>();
        world.replica.watch(WatchRequest.of(KeyRange.all(), 2), late::add);
        assertTrue(late.stream().anyMatch(r -> r.canceled() && r.compactRevision() > 2),
                "a watch from a compacted revision is canceled with the compaction point: " + late);
    }

    @Test
    void aWatchReplayingLongHistoryFinishesWithoutFurtherWrites() {
        // Each event drains a bounded amount of history; an idle replica must still finish the replay.
        World world = started(settings(0, 0));
        int puts = 12_000; // more than the drains of one event replay (8 x 1,000 events)
        for (int batch = 0; batch < puts / 100; batch++) {
            List<KvReplica.Write> writes = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                KvCommand command = KvCommand.Put.of(Bytes.utf8("k" + (batch * 100 + i)), Bytes.utf8("v"));
                writes.add(KvReplica.Write.own(command, KvCodec.encodeCommand(command), new Answer<>()));
            }
            world.replica.write(writes);
            world.run(1_000_000L);
        }
        long last = world.replica.revision();
        List<Long> reading = new ArrayList<>();
        world.replica.watch(WatchRequest.of(KeyRange.all(), 2), response -> {
            response.events().forEach(event -> reading.add(event.revision()));
            return true;
        });
        world.run(2_000_000L); // the replica's own catch-up timer, not a heartbeat (every 30 ms) or a lease check, must finish it
        assertRevisions(2, last, reading, "every revision once, in order, with no write to wake it");

        // A consumer that says "no more" after every response gets the rest only as it resumes.
        List<Long> stalling = new ArrayList<>();
        long[] watchId = {-1};
        watchId[0] = world.replica.watch(WatchRequest.of(KeyRange.all(), 2), response -> {
            response.events().forEach(event -> stalling.add(event.revision()));
            return response.created();
        });
        world.run(200_000_000L);
        assertTrue(stalling.size() <= 1_000, "held back after one response: " + stalling.size());
        assertEquals(1, world.replica.watchStats().blocked());
        for (int resumes = 0; resumes < 100 && stalling.size() < last - 1; resumes++) {
            world.replica.resumeWatch(watchId[0]);
            world.run(1_000_000L);
        }
        assertRevisions(2, last, stalling, "what a held-back watch missed follows, gap-free");
    }

    /** {@code seen} is exactly {@code first..last}; a failure names the first difference, not the whole list. */
    private static void assertRevisions(long first, long last, List<Long> seen, String what) {
        for (int i = 0; i < seen.size(); i++) {
            assertEquals(first + i, seen.get(i), what + ": revision at position " + i);
        }
        assertEquals(last - first + 1, seen.size(), what + ": how many (the last seen was " + (seen.isEmpty() ? "none" : seen.get(seen.size() - 1)) + ")");
    }

    @Test
    void progressIsAnsweredOnceTheWatchIsCaughtUp() {
        World world = started(settings(0, 0));
        long watchId = world.replica.watch(WatchRequest.of(KeyRange.all(), 0), response -> true);
        put(world, "k", "v");
        Answer<Long> progress = new Answer<>();
        world.replica.watchProgress(watchId, progress);
        assertEquals(world.replica.revision(), progress.value);
    }

    @Test
    void aKeepAliveThatArrivesAfterTheDeadlineIsRefusedNotProposed() {
        // Found by the simulator's lease check: a leader paused past a lease's deadline proposed the
        // keep-alive it found waiting, told the holder "alive", then expired the lease a moment later.
        World world = started(settings(0, 0));
        Answer<KvResult> grant = new Answer<>();
        KvCommand grantCommand = new KvCommand.LeaseGrant(7, 1);
        world.replica.write(KvReplica.Write.session(9001, 1, grantCommand, grant));
        world.run(200_000_000L); // the leader's next lease check starts the lease's clock
        assertInstanceOf(KvResult.LeaseGrantResult.class, grant.value);

        world.nowNs += 1_500_000_000L; // the node was stopped: its clock ran, its timers did not fire
        Answer<KvResult> keepAlive = new Answer<>();
        world.replica.write(KvReplica.Write.session(9001, 2, new KvCommand.LeaseKeepAlive(7), keepAlive));
        KvResult.Failure failure = assertInstanceOf(KvResult.Failure.class, keepAlive.value);
        assertEquals(parley.kv.KvError.LEASE_NOT_FOUND, failure.error());
        world.run(1_000_000_000L);
        assertTrue(world.replica.stateMachine().leases().ids().isEmpty(), "the lease expired through the log");
    }

    @Test
    void aKeepAliveInTimeRenewsTheLease() {
        World world = started(settings(0, 0));
        world.replica.write(KvReplica.Write.session(9001, 1, new KvCommand.LeaseGrant(7, 1), new Answer<>()));
        world.run(600_000_000L);
        Answer<KvResult> keepAlive = new Answer<>();
        world.replica.write(KvReplica.Write.session(9001, 2, new KvCommand.LeaseKeepAlive(7), keepAlive));
        world.run(600_000_000L);
        assertInstanceOf(KvResult.LeaseKeepAliveResult.class, keepAlive.value);
        assertEquals(List.of(7L), world.replica.stateMachine().leases().ids(), "1.2 s after the grant, renewed at 0.6 s: alive");
    }
}
