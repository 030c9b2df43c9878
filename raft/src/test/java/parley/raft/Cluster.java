package parley.raft;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import parley.core.env.Env;
import parley.core.env.RandomSource;
import parley.core.env.SplittableRandomSource;

/**
 * A hand-driven network of Raft nodes (etcd's raft test network): messages wait in a list until the
 * test delivers, drops, duplicates or reorders them; timers fire only when the test says so (or when
 * virtual time is advanced past them); syncs complete only when the test completes them. Every send
 * is checked for durability (acks of unsynced entries, votes not yet durable), and the cluster keeps
 * safety checks: one leader per term, identical committed prefixes.
 */
final class Cluster {
    record Envelope(long from, long to, RaftMessage message) {
        @Override public String toString() {
            return from + "->" + to + " " + message;
        }
    }

    /** The state machine: a list of applied commands; results are "ok:<index>". */
    static final class ListStateMachine implements StateMachine {
        final List<String> applied = new ArrayList<>();
        long lastIndex;

        @Override public byte[] apply(long index, byte[] command) {
            if (index <= lastIndex) throw new AssertionError("apply out of order: " + index + " after " + lastIndex);
            lastIndex = index;
            applied.add(new String(command, StandardCharsets.UTF_8));
            return ("ok:" + index).getBytes(StandardCharsets.UTF_8);
        }

        @Override public byte[] snapshot() {
            return (lastIndex + "\n" + String.join("\n", applied)).getBytes(StandardCharsets.UTF_8);
        }

        @Override public void restore(byte[] snapshot) {
            String[] lines = new String(snapshot, StandardCharsets.UTF_8).split("\n", -1);
            lastIndex = Long.parseLong(lines[0]);
            applied.clear();
            for (int i = 1; i < lines.length; i++) applied.add(lines[i]);
            if (applied.size() == 1 && applied.get(0).isEmpty()) applied.clear();
        }
    }

    /** Everything the listener heard. */
    static final class Recorder implements RaftListener {
        record Applied(long index, long clientId, long sequence, String result) {}

        final List<Applied> applied = new ArrayList<>();
        final Map<Long, Long> readsReady = new TreeMap<>();
        final List<Long> readsFailed = new ArrayList<>();
        final List<String> roles = new ArrayList<>();
        final List<Long> dropped = new ArrayList<>();
        final List<Long> stale = new ArrayList<>();

        @Override public void onApplied(long index, long clientId, long sequence, byte[] result) {
            applied.add(new Applied(index, clientId, sequence, new String(result, StandardCharsets.UTF_8)));
        }
        @Override public void onStaleSequence(long index, long clientId, long sequence) { stale.add(sequence); }
        @Override public void onReadReady(long readId, long readIndex) { readsReady.put(readId, readIndex); }
        @Override public void onReadFailed(long readId) { readsFailed.add(readId); }
        @Override public void onRoleChanged(RaftRole role, long term, long leaderId) { roles.add(role + "@" + term + "/" + leaderId); }
        @Override public void onProposalDropped(long clientId, long sequence) { dropped.add(sequence); }
    }

    /** Builds a node; tests substitute planted-bug subclasses here. */
    interface NodeFactory {
        RaftNode create(RaftConfig config, Env<RaftMessage> env, RaftStorage storage, StateMachine sm, RaftListener listener);
    }

    final class Member implements Env<RaftMessage> {
        final long id;
        MemoryRaftStorage storage = new MemoryRaftStorage();
        final SplittableRandomSource random;
        final TreeMap<Integer, Long> timers = new TreeMap<>();
        ListStateMachine sm;
        Recorder recorder;
        RaftNode node;
        boolean up;
        long clockOffsetNs;
        long checkedUpTo;

        Member(long id, long seed) {
            this.id = id;
            this.random = new SplittableRandomSource(seed * 31 + id);
        }

        @Override public long nodeId() { return id; }
        @Override public long nowNs() { return Cluster.this.nowNs + clockOffsetNs; }
        @Override public RandomSource random() { return random; }
        @Override public void send(long to, RaftMessage message) {
            if (!up) throw new AssertionError("a down node sent " + message);
            checkDurableBeforeSend(this, to, message);
            Envelope e = new Envelope(id, to, message);
            network.add(e);
            if (recordSends) sentLog.add(e);
            sent++;
        }
        @Override public void setTimer(int timerId, long delayNs) { timers.put(timerId, Cluster.this.nowNs + delayNs); }
        @Override public void cancelTimer(int timerId) { timers.remove(timerId); }

        void boot(boolean bootstrap, ClusterConfig initial) {
            create();
            if (bootstrap) node.bootstrap(initial);
            node.start();
        }

        /** Starts on empty storage as a member that lost its data: joining, or (a planted mistake) founding again. */
        void bootWiped(boolean foundAgain, ClusterConfig initial) {
            storage = new MemoryRaftStorage();
            create();
            if (foundAgain) node.bootstrap(initial);
            else node.join();
            node.start();
        }

        private void create() {
            sm = new ListStateMachine();
            recorder = new Recorder();
            timers.clear();
            checkedUpTo = 0;
            node = factory.create(config, this, storage, sm, recorder);
            up = true;
        }

        RaftStatus status() { return node.status(); }
    }

    final RaftConfig config;
    final long seed;
    final TreeMap<Long, Member> members = new TreeMap<>();
    final List<Envelope> network = new ArrayList<>();
    long nowNs = 1_000_000_000L;
    long sent;
    /** When set, every send is also kept in {@link #sentLog}. */
    boolean recordSends;
    final List<Envelope> sentLog = new ArrayList<>();
    NodeFactory factory = RaftNode::new;
    /** Links that drop everything: (from, to) pairs. */
    final Set<List<Long>> cut = new HashSet<>();
    /** Checks that acknowledgements are durable; off for planted-bug variants that must be caught elsewhere. */
    boolean checkDurability = true;
    private final Map<Long, Long> leaderOfTerm = new TreeMap<>();
    private final Map<Long, Long> committedTerm = new TreeMap<>();

    Cluster(RaftConfig config, long seed) {
        this.config = config;
        this.seed = seed;
    }

    /** A founded cluster of voters 1..n, started, no leader yet. */
    static Cluster of(int n, RaftConfig config) {
        return of(n, config, 1, RaftNode::new);
    }

    static Cluster of(int n, RaftConfig config, long seed, NodeFactory factory) {
        Cluster c = new Cluster(config, seed);
        c.factory = factory;
        Long[] ids = new Long[n];
        for (int i = 0; i < n; i++) ids[i] = (long) (i + 1);
        ClusterConfig initial = ClusterConfig.ofVoters(ids);
        for (long id = 1; id <= n; id++) c.add(id, true, initial);
        c.syncAll();
        return c;
    }

    /** Adds and starts a node (bootstrapped with {@code initial}, or empty to join later). */
    Member add(long id, boolean bootstrap, ClusterConfig initial) {
        Member m = new Member(id, seed);
        members.put(id, m);
        m.boot(bootstrap, initial);
        return m;
    }

    Member member(long id) { return members.get(id); }
    RaftNode node(long id) { return members.get(id).node; }

    // ----------------------------------------------------------------------------------------------
    // Driving

    /** Delivers messages (FIFO) and completes syncs until nothing moves. Returns messages delivered. */
    int deliverAll() {
        int delivered = 0;
        for (int rounds = 0; rounds < 100_000; rounds++) {
            boolean moved = syncAll() > 0;
            if (!network.isEmpty()) {
                deliver(network.remove(0));
                delivered++;
                moved = true;
            }
            if (!moved) return delivered;
        }
        throw new AssertionError("network did not quiesce");
    }

    /** Delivers one message if its link is up and its receiver is up. */
    void deliver(Envelope e) {
        Member to = members.get(e.to());
        if (to == null || !to.up || cut.contains(List.of(e.from(), e.to()))) return;
        to.node.onMessage(e.from(), e.message());
        checkSafety();
    }

    /** Completes every pending sync on every live node. Returns how many. */
    int syncAll() {
        int n = 0;
        for (Member m : members.values()) n += syncNode(m.id);
        return n;
    }

    int syncNode(long id) {
        Member m = members.get(id);
        int n = 0;
        while (m.up && m.storage.hasPendingSync()) {
            m.node.onSyncComplete(m.storage.completeNextSync());
            checkSafety();
            n++;
        }
        return n;
    }

    /** Completes only the oldest pending sync of {@code id}, if any. */
    boolean syncOne(long id) {
        Member m = members.get(id);
        if (!m.up || !m.storage.hasPendingSync()) return false;
        m.node.onSyncComplete(m.storage.completeNextSync());
        checkSafety();
        return true;
    }

    void fireTimer(long id, int timerId) {
        Member m = members.get(id);
        m.timers.remove(timerId);
        m.node.onTimer(timerId);
        checkSafety();
    }

    /** Fires the election timer of {@code id} and lets the network settle: with healthy links it wins. */
    void elect(long id) {
        fireTimer(id, RaftNode.ELECTION_TIMER_ID);
        deliverAll();
        if (!node(id).isLeader()) throw new AssertionError("node " + id + " did not win: " + node(id).status());
        // Let the no-op commit and followers learn it.
        deliverAll();
    }

    /** Advances virtual time by {@code ms}, firing due timers in time order (messages stay queued). */
    void advanceMs(long ms) {
        long target = nowNs + ms * 1_000_000L;
        while (true) {
            long best = Long.MAX_VALUE;
            Member bestMember = null;
            int bestTimer = 0;
            for (Member m : members.values()) {
                if (!m.up) continue;
                for (Map.Entry<Integer, Long> t : m.timers.entrySet()) {
                    if (t.getValue() < best) {
                        best = t.getValue();
                        bestMember = m;
                        bestTimer = t.getKey();
                    }
                }
            }
            if (bestMember == null || best > target) break;
            nowNs = Math.max(nowNs, best);
            fireTimer(bestMember.id, bestTimer);
        }
        nowNs = target;
    }

    /** Advances time in heartbeat-sized steps, delivering everything after each step. */
    void runMs(long ms) {
        long step = config.heartbeatIntervalMs();
        for (long t = 0; t < ms; t += step) {
            advanceMs(step);
            deliverAll();
        }
    }

    /** Removes and returns queued messages matching {@code filter}. */
    List<Envelope> take(Predicate<Envelope> filter) {
        List<Envelope> out = new ArrayList<>();
        for (Iterator<Envelope> it = network.iterator(); it.hasNext(); ) {
            Envelope e = it.next();
            if (filter.test(e)) {
                out.add(e);
                it.remove();
            }
        }
        return out;
    }

    void dropAll(Predicate<Envelope> filter) {
        take(filter);
    }

    /** Cuts both directions between every node of {@code side} and every node outside it. */
    void isolate(Set<Long> side) {
        for (long a : members.keySet()) {
            for (long b : members.keySet()) {
                if (side.contains(a) != side.contains(b)) cut.add(List.of(a, b));
            }
        }
    }

    void heal() {
        cut.clear();
    }

    void cutIf(BiPredicate<Long, Long> link) {
        for (long a : members.keySet()) for (long b : members.keySet()) if (link.test(a, b)) cut.add(List.of(a, b));
    }

    /** Crashes a node: unsynced writes are lost, queued messages to it vanish, it sends nothing. */
    void crash(long id) {
        Member m = members.get(id);
        m.up = false;
        m.storage.crash();
        m.timers.clear();
        network.removeIf(e -> e.to() == id || e.from() == id);
    }

    /** Restarts a crashed node from its durable storage. */
    void restart(long id) {
        Member m = members.get(id);
        m.boot(false, null);
    }

    /** Sends recorded so far whose message is of {@code type}. */
    <T extends RaftMessage> long countSent(Class<T> type) {
        return sentLog.stream().filter(e -> type.isInstance(e.message())).count();
    }

    /** The unique leader of the highest term among live nodes, or null. */
    Member leader() {
        Member best = null;
        for (Member m : members.values()) {
            if (m.up && m.node.isLeader() && (best == null || m.node.term() > best.node.term())) best = m;
        }
        return best;
    }

    /** Proposes a command (no session) at {@code id}, expecting acceptance. */
    ProposeResult.Accepted propose(long id, String command) {
        return propose(id, 0, 0, command);
    }

    ProposeResult.Accepted propose(long id, long clientId, long sequence, String command) {
        ProposeResult r = node(id).propose(clientId, sequence, command.getBytes(StandardCharsets.UTF_8));
        if (!(r instanceof ProposeResult.Accepted a)) throw new AssertionError("proposal not accepted: " + r);
        return a;
    }

    List<String> applied(long id) {
        return members.get(id).sm.applied;
    }

    // ----------------------------------------------------------------------------------------------
    // Safety checks, on every step

    private void checkDurableBeforeSend(Member m, long to, RaftMessage message) {
        if (!checkDurability) return;
        MemoryRaftStorage s = m.storage;
        if (message instanceof RaftMessage.AppendEntriesResponse r && r.success()) {
            long match = r.matchIndex();
            boolean compactedSince = match < s.snapshot().index();
            boolean durable = match <= s.durableSnapshotIndex()
                    || (compactedSince ? s.durableTerm(match) != -1 : s.durableTerm(match) == s.term(match));
            if (!durable) {
                throw new AssertionError("node " + m.id + " acknowledged unsynced entry " + match + ": " + message);
            }
        }
        if (message instanceof RaftMessage.RequestVoteResponse r && r.granted()) {
            HardState h = s.durableHardState();
            if (h.term() != r.term() || h.votedFor() != to) {
                throw new AssertionError("node " + m.id + " granted a vote before it was durable: " + h + " " + message);
            }
        }
    }

    /** One leader per term; committed prefixes agree across nodes. */
    void checkSafety() {
        for (Member m : members.values()) {
            if (!m.up) continue;
            RaftNode n = m.node;
            if (n.isLeader()) {
                Long other = leaderOfTerm.putIfAbsent(n.term(), m.id);
                if (other != null && other != m.id) {
                    throw new AssertionError("two leaders in term " + n.term() + ": " + other + " and " + m.id);
                }
            }
            long commit = n.log.commitIndex();
            for (long i = Math.max(n.log.snapshotIndex(), m.checkedUpTo) + 1; i <= commit; i++) {
                long t = n.log.term(i);
                Long known = committedTerm.putIfAbsent(i, t);
                if (known != null && known != t) {
                    throw new AssertionError("committed entry " + i + " differs: term " + known + " vs " + t + " on node " + m.id);
                }
            }
            m.checkedUpTo = Math.max(m.checkedUpTo, commit);
        }
    }

    String describe() {
        StringBuilder sb = new StringBuilder();
        for (Member m : members.values()) sb.append(m.up ? m.status().toString() : "n" + m.id + " DOWN").append('\n');
        sb.append("network: ").append(network).append('\n');
        return sb.toString();
    }
}
