package parley.harness;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import parley.check.Action;
import parley.check.Event;
import parley.check.EventType;
import parley.check.Value;
import parley.core.Check;
import parley.core.env.Env;
import parley.harness.ClusterMessage.ClientOp;
import parley.harness.ClusterMessage.Reply;
import parley.sim.SimDisk;
import parley.sim.SimProcess;

/**
 * A simulated client: issues reads, writes and compare-and-sets one at a time, retries against other
 * servers until it learns an outcome or its patience runs out, and records what it saw in the run's
 * history (invoke, then ok / fail / info), which the linearizability checker judges afterwards.
 *
 * <p>A write is retried with the same session sequence number, so Raft's client sessions must apply
 * it at most once however many servers it reached. An operation given up on is recorded as
 * {@code info} (it may still take effect later) and, as in Jepsen, the client continues as a new
 * process id, because a process has at most one operation outstanding.
 */
public final class SimClient implements SimProcess<ClusterMessage> {
    private static final int THINK_TIMER = 1;
    private static final int ATTEMPT_TIMER = 2;
    private static final long BACKOFF_NS = 20_000_000L;
    /** Request ids carry the operation number in their high bits, the attempt in the low ones. */
    private static final int ATTEMPT_BITS = 20;

    private final RunContext run;
    private final long clientId;
    private final int clientIndex;
    private final int clientCount;
    private final List<Long> servers;
    private Env<ClusterMessage> env;

    private int historyProcess;
    private int opsIssued;
    private boolean postHealOpDone;
    private long sequence;
    private long opNumber;
    private int attempt;
    private ClientOp current;
    private long currentInvokedNs;
    private int targetIndex;
    private long valueCounter;
    private final Map<String, Long> lastSeenValue = new HashMap<>();
    private long completedOps;

    SimClient(RunContext run, long clientId, int clientIndex, int clientCount, List<Long> servers) {
        this.run = run;
        this.clientId = clientId;
        this.clientIndex = clientIndex;
        this.clientCount = clientCount;
        this.servers = List.copyOf(servers);
        this.historyProcess = clientIndex;
    }

    @Override
    public void onStart(Env<ClusterMessage> env, SimDisk disk) {
        this.env = env;
        targetIndex = env.random().nextInt(servers.size());
        scheduleThink();
    }

    /** Whether this client issued all its operations, including the one after the heal, and has none outstanding. */
    public boolean finished() {
        return current == null && opsIssued >= run.workload().opsPerClient() && postHealOpDone;
    }

    public long completedOps() {
        return completedOps;
    }

    @Override
    public void onTimer(int timerId) {
        switch (timerId) {
            case THINK_TIMER -> startNextOp();
            case ATTEMPT_TIMER -> onAttemptTimeout();
            default -> throw new IllegalStateException("unknown client timer " + timerId);
        }
    }

    private void scheduleThink() {
        long meanNs = run.workload().thinkNsMean();
        long delayNs = meanNs == 0 ? 1 : 1 + (long) (-StrictMath.log(1 - env.random().nextDouble()) * meanNs);
        env.setTimer(THINK_TIMER, delayNs);
    }

    private void startNextOp() {
        Check.that(current == null, "client c%d starts an op while one is outstanding", clientId);
        boolean quotaLeft = opsIssued < run.workload().opsPerClient();
        if (!quotaLeft && (postHealOpDone || !run.healed())) {
            if (!postHealOpDone) env.setTimer(THINK_TIMER, 100_000_000L); // wait for the heal
            return;
        }
        if (quotaLeft) {
            opsIssued++;
            current = randomOp();
        } else {
            // After the heal every client must still get one write through: the liveness probe.
            postHealOpDone = true;
            current = new ClientOp.Write(key(env.random().nextInt(run.workload().keys())), nextValue());
        }
        sequence++;
        opNumber++;
        attempt = 0;
        currentInvokedNs = run.nowNs();
        run.record(new Event(historyProcess, EventType.INVOKE, action(current), current.key(), invokeValue(current),
                OptionalLong.of(currentInvokedNs)));
        send();
    }

    private ClientOp randomOp() {
        Workload w = run.workload();
        String key = key(env.random().nextInt(w.keys()));
        int dice = env.random().nextInt(100);
        if (dice < w.readPercent()) return new ClientOp.Read(key);
        if (dice < w.readPercent() + w.casPercent()) {
            Long seen = lastSeenValue.get(key);
            long expected = seen != null ? seen : clientId * 1_000_000L;
            return new ClientOp.Cas(key, expected, nextValue());
        }
        return new ClientOp.Write(key, nextValue());
    }

    private static String key(int index) {
        return "k" + index;
    }

    /** Values are unique per run (client id in the high digits), which keeps checking fast and exact. */
    private long nextValue() {
        return clientId * 1_000_000L + ++valueCounter;
    }

    private void send() {
        long requestId = (opNumber << ATTEMPT_BITS) | (attempt & ((1 << ATTEMPT_BITS) - 1));
        attempt++;
        env.send(servers.get(targetIndex), new ClusterMessage.Request(requestId, clientId, sequence, current));
        env.setTimer(ATTEMPT_TIMER, run.workload().attemptTimeoutNs());
    }

    private void onAttemptTimeout() {
        if (current == null) return;
        if (giveUpIfOverdue()) return;
        targetIndex = (targetIndex + 1) % servers.size();
        send();
    }

    private boolean giveUpIfOverdue() {
        if (run.nowNs() - currentInvokedNs < run.workload().opTimeoutNs()) return false;
        complete(EventType.INFO, invokeValue(current));
        // The given-up operation may still apply at any later time: continue as a fresh process.
        historyProcess += clientCount;
        return true;
    }

    @Override
    public void onMessage(long from, ClusterMessage message) {
        if (!(message instanceof ClusterMessage.Response response) || current == null) return;
        // Any attempt of the current operation may answer: they all carry the same session sequence.
        if ((response.requestId() >>> ATTEMPT_BITS) != opNumber) return;
        switch (response.reply()) {
            case Reply.NotLeader notLeader -> retryAt(notLeader.leaderHint(), from);
            case Reply.Busy busy -> retryAt(0, from);
            case Reply.Unknown unknown -> retryAt(0, from); // same sequence: applies at most once
            case Reply.ReadValue read -> {
                if (read.value() != null) lastSeenValue.put(current.key(), read.value());
                complete(EventType.OK, read.value() == null ? Value.NULL : Value.of(read.value()));
            }
            case Reply.Written written -> {
                lastSeenValue.put(current.key(), ((ClientOp.Write) current).value());
                complete(EventType.OK, invokeValue(current));
            }
            case Reply.CasResult cas -> {
                if (cas.succeeded()) lastSeenValue.put(current.key(), ((ClientOp.Cas) current).next());
                complete(cas.succeeded() ? EventType.OK : EventType.FAIL, invokeValue(current));
            }
            case Reply.LeaseAlive alive -> throw new IllegalStateException("client got a lease reply: " + response.reply());
            case Reply.LeaseNotFound notFound -> throw new IllegalStateException("client got a lease reply: " + response.reply());
            case Reply.Error error -> throw new IllegalStateException(
                    "server n" + from + " rejected " + current + " from c" + clientId + ": " + error.message());
        }
    }

    /** Retries after a short backoff at the hinted leader, or at the next server after {@code from}. */
    private void retryAt(long leaderHint, long from) {
        if (giveUpIfOverdue()) return;
        int hinted = servers.indexOf(leaderHint);
        targetIndex = hinted >= 0 ? hinted : (servers.indexOf(from) + 1) % servers.size();
        env.cancelTimer(ATTEMPT_TIMER);
        env.setTimer(ATTEMPT_TIMER, BACKOFF_NS); // the timer resends; a late answer to this attempt is still accepted
        targetIndex = (targetIndex + servers.size() - 1) % servers.size(); // onAttemptTimeout advances by one
    }

    private void complete(EventType type, Value value) {
        run.record(new Event(historyProcess, type, action(current), current.key(), value, OptionalLong.of(run.nowNs())));
        current = null;
        completedOps++;
        env.cancelTimer(ATTEMPT_TIMER);
        scheduleThink();
    }

    private static Action action(ClientOp op) {
        return switch (op) {
            case ClientOp.Read read -> Action.READ;
            case ClientOp.Write write -> Action.WRITE;
            case ClientOp.Cas cas -> Action.CAS;
        };
    }

    private static Value invokeValue(ClientOp op) {
        return switch (op) {
            case ClientOp.Read read -> Value.NULL;
            case ClientOp.Write write -> Value.of(write.value());
            case ClientOp.Cas cas -> Value.pair(Value.of(cas.expected()), Value.of(cas.next()));
        };
    }
}
