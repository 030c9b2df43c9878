package parley.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import parley.check.Action;
import parley.check.CheckBudget;
import parley.check.CheckResult;
import parley.check.Event;
import parley.check.EventType;
import parley.check.HistoryReader;
import parley.check.HistoryWriter;
import parley.check.LinearizabilityChecker;
import parley.check.Value;
import parley.check.Verdict;
import parley.kv.Bytes;
import parley.kv.Compare;
import parley.kv.KeyRange;
import parley.kv.KvCommand;
import parley.kv.KvResult;
import parley.raft.ClusterConfig;
import parley.raft.MemoryRaftStorage;
import parley.raft.RaftMessage;
import parley.raft.RaftStorage;
import parley.raft.RaftRole;

/**
 * The runtime with real threads and a real clock: three {@link RaftKvNode}s in one JVM wired by an
 * in-memory transport, concurrent client threads, a leader killed mid-run, and the recorded history
 * judged by the linearizability checker.
 */
class ThreadedClusterTest {
    private static final parley.replica.ReplicaSettings CONFIG = parley.replica.ReplicaSettings.standard(150, 300, 30, 0, 0);

    /** In-memory storage whose syncs complete right away (on the node's loop, as a WAL's would). */
    static final class InstantSyncStorage implements RaftStorage {
        private final MemoryRaftStorage memory = new MemoryRaftStorage();
        volatile RaftKvNode node;

        @Override public parley.raft.HardState hardState() { return memory.hardState(); }
        @Override public void setHardState(parley.raft.HardState state) { memory.setHardState(state); }
        @Override public parley.raft.Snapshot snapshot() { return memory.snapshot(); }
        @Override public long firstIndex() { return memory.firstIndex(); }
        @Override public long lastIndex() { return memory.lastIndex(); }
        @Override public long term(long index) { return memory.term(index); }
        @Override public parley.raft.LogEntry entry(long index) { return memory.entry(index); }
        @Override public void append(List<parley.raft.LogEntry> entries) { memory.append(entries); }
        @Override public void truncateAfter(long index) { memory.truncateAfter(index); }
        @Override public void saveSnapshot(parley.raft.Snapshot snapshot) { memory.saveSnapshot(snapshot); }
        /** This storage as the default group's; the cluster runs no other group. */
        parley.keyspace.NodeReplicas.GroupStorage asGroupStorage() {
            return new parley.keyspace.NodeReplicas.GroupStorage() {
                @Override public RaftStorage open(long groupId) { return InstantSyncStorage.this; }
                @Override public void delete(long groupId) { throw new AssertionError("no group is ever destroyed here"); }
            };
        }

        @Override public void sync(long syncId) {
            memory.sync(syncId);
            long completed = memory.completeNextSync();
            node.synced(parley.replica.KvReplica.DEFAULT_GROUP_ID, completed);
        }
    }

    static final class Cluster implements AutoCloseable {
        final Map<Long, RaftKvNode> nodes = new TreeMap<>();
        final Set<Long> down = java.util.concurrent.ConcurrentHashMap.newKeySet();

        Cluster(int size) {
            Set<Long> ids = new java.util.TreeSet<>();
            for (long id = 1; id <= size; id++) ids.add(id);
            ClusterConfig founders = ClusterConfig.of(ids, Set.of());
            for (long id : ids) {
                InstantSyncStorage storage = new InstantSyncStorage();
                RaftKvNode node = new RaftKvNode(id, CONFIG, storage.asGroupStorage(), new EventLoop("n" + id), this::route, founders);
                storage.node = node;
                node.start();
                nodes.put(id, node);
            }
        }

        private void route(long to, long groupId, RaftMessage message) {
            // The sender's id is not in the message; find it from the calling loop thread's name.
            long from = Long.parseLong(Thread.currentThread().getName().substring(1));
            if (down.contains(to) || down.contains(from)) return;
            RaftKvNode target = nodes.get(to);
            if (target != null) target.deliver(from, groupId, message);
        }

        long leader() {
            for (var e : nodes.entrySet()) {
                if (!down.contains(e.getKey()) && e.getValue().status().role() == RaftRole.LEADER) return e.getKey();
            }
            return 0;
        }

        @Override
        public void close() {
            nodes.values().forEach(RaftKvNode::close);
        }
    }

    /** Real-time ordered history shared by client threads. */
    static final class Recorder {
        private final List<Event> events = new ArrayList<>();

        synchronized void add(int process, EventType type, Action action, String key, Value value) {
            events.add(new Event(process, type, action, key, value, OptionalLong.of(System.nanoTime())));
        }

        synchronized List<Event> events() {
            return List.copyOf(events);
        }
    }

    @Test
    void concurrentClientsWithALeaderCrashStayLinearizable() throws Exception {
        try (Cluster cluster = new Cluster(3)) {
            waitForLeader(cluster);
            Recorder recorder = new Recorder();
            List<Thread> clients = new ArrayList<>();
            int[] processSeq = {0};
            for (int c = 0; c < 4; c++) {
                int process = c;
                Thread t = new Thread(() -> runClient(cluster, recorder, process, 60));
                clients.add(t);
                t.start();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (recorder.events().size() < 120 && System.nanoTime() < deadline) Thread.sleep(1);
            long oldLeader = cluster.leader();
            cluster.down.add(oldLeader); // the leader falls silent: partitioned away for good
            int eventsBeforeCrash = recorder.events().size();
            for (Thread t : clients) t.join(60_000);
            List<Event> history = recorder.events();
            assertTrue(history.size() - eventsBeforeCrash >= 200, "most operations ran after the leader was cut off: "
                    + (history.size() - eventsBeforeCrash));
            assertTrue(history.size() >= 4 * 60 * 2 * 0.9, "most operations completed: " + history.size());
            CheckResult result = check(history);
            assertEquals(Verdict.LINEARIZABLE, result.verdict(), () -> result.witness() == null ? "" : result.witness().describe());
            assertTrue(cluster.leader() != oldLeader && cluster.leader() != 0, "a new leader took over");
        }
    }

    private static void runClient(Cluster cluster, Recorder recorder, int process, int ops) {
        int proc = process;
        for (int i = 0; i < ops; i++) {
            String key = "k" + ThreadLocalRandom.current().nextInt(3);
            int dice = ThreadLocalRandom.current().nextInt(3);
            long value = process * 1_000_000L + i;
            Action action = dice == 0 ? Action.READ : Action.WRITE;
            recorder.add(proc, EventType.INVOKE, action, key, action == Action.READ ? Value.NULL : Value.of(value));
            try {
                KvResult result = attempt(cluster, action, key, value);
                if (action == Action.READ) {
                    var kvs = ((KvResult.RangeResult) result).kvs();
                    recorder.add(proc, EventType.OK, action, key, kvs.isEmpty() ? Value.NULL
                            : Value.of(Long.parseLong(new String(kvs.get(0).value().bytes(), StandardCharsets.UTF_8))));
                } else {
                    recorder.add(proc, EventType.OK, action, key, Value.of(value));
                }
            } catch (RuntimeException | TimeoutException e) {
                recorder.add(proc, EventType.INFO, action, key, action == Action.READ ? Value.NULL : Value.of(value));
                proc += 100; // an unknown outcome: continue as a fresh process
            }
        }
    }

    /** Tries the leader, following redirects, for up to 5 s; writes are never retried after a timeout. */
    private static KvResult attempt(Cluster cluster, Action action, String key, long value) throws TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            long leader = cluster.leader();
            if (leader == 0) {
                sleep(20);
                continue;
            }
            RaftKvNode node = cluster.nodes.get(leader);
            CompletableFuture<KvResult> future = action == Action.READ
                    ? node.read(KvCommand.Range.of(KeyRange.single(Bytes.utf8(key))), false)
                    : node.write(KvCommand.Put.of(Bytes.utf8(key), Bytes.utf8(Long.toString(value))));
            try {
                return future.get(2, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RaftKvNode.NotLeaderException) {
                    sleep(20);
                    continue; // nothing was done: safe to retry
                }
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new TimeoutException("no answer in 5 s");
    }

    private static void waitForLeader(Cluster cluster) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (cluster.leader() == 0 && System.nanoTime() < deadline) Thread.sleep(10);
        assertTrue(cluster.leader() != 0, "a leader was elected");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static CheckResult check(List<Event> events) throws IOException, parley.check.HistoryFormatException {
        StringWriter text = new StringWriter();
        HistoryWriter writer = new HistoryWriter(text);
        events.forEach(writer::write);
        return new LinearizabilityChecker(new CheckBudget(30_000, 2_000_000))
                .check(HistoryReader.read(new StringReader(text.toString()), "threaded-cluster"));
    }

    @Test
    void casThroughTxnSucceedsOnlyWhileTheValueMatches() throws Exception {
        try (Cluster cluster = new Cluster(3)) {
            waitForLeader(cluster);
            RaftKvNode leader = cluster.nodes.get(cluster.leader());
            Bytes key = Bytes.utf8("x");
            leader.write(KvCommand.Put.of(key, Bytes.utf8("1"))).get(5, TimeUnit.SECONDS);
            KvCommand.Txn cas = new KvCommand.Txn(List.of(Compare.value(key, Compare.Result.EQUAL, Bytes.utf8("1"))),
                    List.of(KvCommand.Put.of(key, Bytes.utf8("2"))), List.of());
            KvResult.TxnResult first = (KvResult.TxnResult) leader.write(cas).get(5, TimeUnit.SECONDS);
            KvResult.TxnResult second = (KvResult.TxnResult) leader.write(cas).get(5, TimeUnit.SECONDS);
            assertTrue(first.succeeded());
            assertTrue(!second.succeeded(), "the value is now 2, so the same compare fails");
        }
    }
}
