package parley.harness;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import parley.core.Check;
import parley.core.env.Env;
import parley.core.env.RandomSource;
import parley.harness.ClusterMessage.ClientOp;
import parley.harness.ClusterMessage.Reply;
import parley.kv.Bytes;
import parley.kv.Compare;
import parley.kv.KeyRange;
import parley.kv.KvCodec;
import parley.kv.KvCommand;
import parley.kv.KvResult;
import parley.kv.KvStateMachine;
import parley.kv.WatchRequest;
import parley.kv.WatchResponse;
import parley.raft.ClusterConfig;
import parley.raft.ProposeResult;
import parley.raft.RaftListener;
import parley.raft.RaftMessage;
import parley.raft.RaftNode;
import parley.raft.RaftRole;
import parley.raft.RaftStatus;
import parley.raft.ReadResult;
import parley.raft.StateMachine;
import parley.sim.SimDisk;
import parley.sim.SimProcess;

/**
 * One Raft KV server inside the simulator: the simulated counterpart of the real server's runtime. It
 * recovers Raft's storage from its disk, feeds messages, timers and sync completions into the
 * {@link RaftNode}, turns client requests into proposals (writes) or ReadIndex reads, and answers
 * clients once their command applied or their read was confirmed.
 */
public final class KvServer implements SimProcess<ClusterMessage>, RaftListener {
    private final RunContext run;
    private final long nodeId;
    private Env<ClusterMessage> env;
    private RaftNode raft;
    private KvStateMachine kv;
    private SimRaftStorage storage;

    /** The write each client is waiting for (clients have one operation outstanding). */
    private final Map<Long, PendingWrite> writesByClient = new HashMap<>();
    private final Map<Long, PendingRead> readsById = new HashMap<>();
    private long nextReadId = 1;
    private String lastObserved = "";

    /** Watch streams served here, by the store's watch id. Local, like etcd's: lost on a crash. */
    private final Map<Long, WatchStream> watchStreams = new java.util.TreeMap<>();
    private static final int WATCH_PROGRESS_TIMER = 100;
    private static final long WATCH_PROGRESS_INTERVAL_NS = 100_000_000L;
    /** Bounds the history replayed per event, so one catching-up watcher cannot stall the node. */
    private static final int WATCH_DRAINS_PER_EVENT_MAX = 8;

    private static final class WatchStream {
        final long client;
        final long streamId;
        long nextSeq;

        WatchStream(long client, long streamId) {
            this.client = client;
            this.streamId = streamId;
        }
    }

    private record PendingWrite(long sequence, long requestId, long clientNode, ClientOp op) {}

    private record PendingRead(long requestId, long clientNode, String key) {}

    KvServer(RunContext run, long nodeId) {
        this.run = run;
        this.nodeId = nodeId;
    }

    @Override
    public void onStart(Env<ClusterMessage> env, SimDisk disk) {
        this.env = env;
        storage = SimRaftStorage.recover(disk);
        kv = new KvStateMachine();
        raft = run.raftFactory().create(run.raftConfig(), new RaftEnv(env, this), storage, new KvAdapter(kv), this);
        if (storage.lastIndex() == 0 && storage.hardState().term() == 0) {
            raft.bootstrap(new ClusterConfig(run.serverIds(), java.util.Set.of(), java.util.Set.of()));
        }
        raft.start();
        env.setTimer(WATCH_PROGRESS_TIMER, WATCH_PROGRESS_INTERVAL_NS);
        afterEvent();
    }

    @Override
    public void onMessage(long from, ClusterMessage message) {
        switch (message) {
            case ClusterMessage.Raft raftMessage -> raft.onMessage(from, raftMessage.message());
            case ClusterMessage.Request request -> onRequest(from, request);
            case ClusterMessage.WatchCreate create -> onWatchCreate(from, create);
            case ClusterMessage.Admin admin -> onAdmin(from, admin);
            case ClusterMessage.AdminReply reply -> throw new IllegalStateException("server got an admin reply: " + reply);
            case ClusterMessage.Response response -> throw new IllegalStateException("server got a response: " + response);
            case ClusterMessage.WatchEvents events -> throw new IllegalStateException("server got watch events: " + events);
        }
        afterEvent();
    }

    @Override
    public void onTimer(int timerId) {
        if (timerId == WATCH_PROGRESS_TIMER) {
            sendWatchProgress();
        } else {
            raft.onTimer(timerId);
        }
        afterEvent();
    }

    @Override
    public void onSyncComplete(long syncId) {
        storage.markSynced(syncId);
        raft.onSyncComplete(syncId);
        afterEvent();
    }

    /** This server's Raft node, for end-of-run checks. */
    public RaftNode raft() {
        return raft;
    }

    /** This server's state machine, for end-of-run checks. */
    public KvStateMachine stateMachine() {
        return kv;
    }

    private void afterEvent() {
        pumpWatches();
        observe();
    }

    // ---- watches ----

    private void onWatchCreate(long client, ClusterMessage.WatchCreate create) {
        long watchId = kv.watches().watch(WatchRequest.of(KeyRange.all(), create.startRevision()));
        watchStreams.put(watchId, new WatchStream(client, create.streamId()));
    }

    /** Sends what the store's watch hub has ready: history being replayed, then live changes. */
    private void pumpWatches() {
        if (watchStreams.isEmpty()) return;
        for (int round = 0; round < WATCH_DRAINS_PER_EVENT_MAX; round++) {
            for (WatchResponse response : kv.watches().drain()) {
                WatchStream stream = watchStreams.get(response.watchId());
                if (stream == null || response.created()) continue;
                List<ClusterMessage.Change> changes = new java.util.ArrayList<>(response.events().size());
                for (parley.kv.Event event : response.events()) {
                    changes.add(new ClusterMessage.Change(event.kv().modRevision(),
                            new String(event.kv().key().bytes(), StandardCharsets.UTF_8),
                            event.type() == parley.kv.Event.Type.PUT ? decodeValue(event.kv().value()) : null));
                }
                env.send(stream.client, new ClusterMessage.WatchEvents(stream.streamId, stream.nextSeq++, changes,
                        response.revision(), response.canceled(), response.cancelReason()));
                if (response.canceled()) watchStreams.remove(response.watchId());
            }
            if (!kv.watches().catchingUp()) return;
        }
    }

    private void sendWatchProgress() {
        env.setTimer(WATCH_PROGRESS_TIMER, WATCH_PROGRESS_INTERVAL_NS);
        pumpWatches();
        for (WatchResponse progress : kv.watches().progress()) {
            WatchStream stream = watchStreams.get(progress.watchId());
            if (stream == null) continue;
            env.send(stream.client, new ClusterMessage.WatchEvents(stream.streamId, stream.nextSeq++, List.of(),
                    progress.revision(), false, ""));
        }
    }

    // ---- operator requests ----

    /** Voters never drop below this, so a majority can survive the nemesis's minority of faults. */
    private static final int VOTERS_MIN = 3;

    private void onAdmin(long operator, ClusterMessage.Admin admin) {
        ClusterConfig current = raft.status().config();
        ProposeResult result = switch (admin.op()) {
            case ClusterMessage.AdminOp.Transfer transfer -> raft.transferLeadership(transfer.target());
            case ClusterMessage.AdminOp.Demote demote -> {
                if (current.isJoint() || !current.voters().contains(demote.nodeId()) || current.voters().size() <= VOTERS_MIN) {
                    yield new ProposeResult.Rejected(parley.raft.RejectReason.INVALID_CONFIG);
                }
                java.util.Set<Long> voters = new java.util.TreeSet<>(current.voters());
                voters.remove(demote.nodeId());
                java.util.Set<Long> learners = new java.util.TreeSet<>(current.learners());
                learners.add(demote.nodeId());
                yield raft.proposeConfigChange(ClusterConfig.of(voters, learners));
            }
            case ClusterMessage.AdminOp.Promote promote -> {
                if (current.isJoint() || !current.learners().contains(promote.nodeId())) {
                    yield new ProposeResult.Rejected(parley.raft.RejectReason.INVALID_CONFIG);
                }
                java.util.Set<Long> voters = new java.util.TreeSet<>(current.voters());
                voters.add(promote.nodeId());
                java.util.Set<Long> learners = new java.util.TreeSet<>(current.learners());
                learners.remove(promote.nodeId());
                yield raft.proposeConfigChange(ClusterConfig.of(voters, learners));
            }
        };
        boolean accepted = result instanceof ProposeResult.Accepted;
        if (accepted && run.tracing()) run.trace(nodeId, "operator: " + admin.op() + " accepted, config " + current);
        env.send(operator, new ClusterMessage.AdminReply(admin.requestId(), accepted, result.toString()));
    }

    // ---- client requests ----

    private void onRequest(long client, ClusterMessage.Request request) {
        if (request.op() instanceof ClientOp.Read read) {
            long readId = nextReadId++;
            // Registered before asking: Raft may confirm the read within the call (a lease read).
            readsById.put(readId, new PendingRead(request.requestId(), client, read.key()));
            ReadResult result = raft.readIndex(readId);
            switch (result) {
                case ReadResult.Pending pending -> { }
                case ProposeResult.NotLeader notLeader -> {
                    readsById.remove(readId);
                    reply(client, request.requestId(), new Reply.NotLeader(notLeader.leaderHint()));
                }
                case ProposeResult.Rejected rejected -> {
                    readsById.remove(readId);
                    reply(client, request.requestId(), new Reply.Busy(rejected.reason().toString()));
                }
            }
            return;
        }
        byte[] command = KvCodec.encodeCommand(toCommand(request.op()));
        // Registered before proposing, in case Raft answers a duplicate within the call.
        PendingWrite pending = new PendingWrite(request.sequence(), request.requestId(), client, request.op());
        PendingWrite previous = writesByClient.put(request.clientId(), pending);
        ProposeResult result = raft.propose(request.clientId(), request.sequence(), command);
        switch (result) {
            case ProposeResult.Accepted accepted -> { }
            case ProposeResult.NotLeader notLeader -> {
                restore(request.clientId(), pending, previous);
                reply(client, request.requestId(), new Reply.NotLeader(notLeader.leaderHint()));
            }
            case ProposeResult.Rejected rejected -> {
                restore(request.clientId(), pending, previous);
                reply(client, request.requestId(), new Reply.Busy(rejected.reason().toString()));
            }
        }
    }

    /** Undoes the registration of a refused proposal, unless Raft already answered it. */
    private void restore(long clientId, PendingWrite refused, PendingWrite previous) {
        if (writesByClient.get(clientId) != refused) return;
        if (previous == null) writesByClient.remove(clientId);
        else writesByClient.put(clientId, previous);
    }

    private static KvCommand toCommand(ClientOp op) {
        Bytes key = Bytes.utf8(op.key());
        return switch (op) {
            case ClientOp.Write write -> KvCommand.Put.of(key, encodeValue(write.value()));
            case ClientOp.Cas cas -> new KvCommand.Txn(
                    List.of(Compare.value(key, Compare.Result.EQUAL, encodeValue(cas.expected()))),
                    List.of(KvCommand.Put.of(key, encodeValue(cas.next()))),
                    List.of());
            case ClientOp.Read read -> KvCommand.Range.of(KeyRange.single(key));
        };
    }

    static Bytes encodeValue(long value) {
        return Bytes.utf8(Long.toString(value));
    }

    static Long decodeValue(Bytes value) {
        return Long.parseLong(new String(value.bytes(), StandardCharsets.UTF_8));
    }

    private void reply(long client, long requestId, Reply reply) {
        env.send(client, new ClusterMessage.Response(requestId, reply));
    }

    // ---- Raft's callbacks ----

    @Override
    public void onApplied(long index, long clientId, long sequence, byte[] result) {
        run.ledger().applied(nodeId, index, clientId, sequence, Arrays.hashCode(result));
        PendingWrite pending = writesByClient.get(clientId);
        if (pending == null || pending.sequence != sequence) return;
        writesByClient.remove(clientId);
        KvResult decoded = KvCodec.decodeResult(result);
        Reply reply = switch (decoded) {
            case KvResult.PutResult put -> new Reply.Written();
            case KvResult.TxnResult txn -> new Reply.CasResult(txn.succeeded());
            case KvResult.Failure failure -> new Reply.Error(failure.error() + ": " + failure.detail());
            default -> new Reply.Error("unexpected result " + decoded);
        };
        reply(pending.clientNode, pending.requestId, reply);
    }

    @Override
    public void onReadReady(long readId, long readIndex) {
        PendingRead pending = readsById.remove(readId);
        if (pending == null) return;
        KvResult result = kv.read(KvCommand.Range.of(KeyRange.single(Bytes.utf8(pending.key))));
        Reply reply = switch (result) {
            case KvResult.RangeResult range -> new Reply.ReadValue(range.kvs().isEmpty() ? null : decodeValue(range.kvs().get(0).value()));
            case KvResult.Failure failure -> new Reply.Error(failure.error() + ": " + failure.detail());
            default -> new Reply.Error("unexpected read result " + result);
        };
        reply(pending.clientNode, pending.requestId, reply);
    }

    @Override
    public void onReadFailed(long readId) {
        PendingRead pending = readsById.remove(readId);
        if (pending != null) reply(pending.clientNode, pending.requestId, new Reply.NotLeader(0));
    }

    @Override
    public void onProposalDropped(long clientId, long sequence) {
        PendingWrite pending = writesByClient.get(clientId);
        if (pending == null || pending.sequence != sequence) return;
        writesByClient.remove(clientId);
        reply(pending.clientNode, pending.requestId, new Reply.Unknown());
    }

    @Override
    public void onRoleChanged(RaftRole role, long term, long leaderId) {
        if (role == RaftRole.LEADER) run.ledger().leaderElected(term, nodeId);
    }

    /** Traces what this node believes whenever it changes: the timeline `--trace` shows. */
    private void observe() {
        if (!run.tracing() || raft == null) return;
        RaftStatus s = raft.status();
        String belief = s.role() + " term=" + s.term() + " leader=" + (s.leaderId() == 0 ? "?" : "n" + s.leaderId())
                + " commit=" + s.commitIndex() + " applied=" + s.appliedIndex() + " last=" + s.lastIndex()
                + " durable=" + s.durableIndex() + (s.snapshotIndex() > 0 ? " snap=" + s.snapshotIndex() : "");
        if (!belief.equals(lastObserved)) {
            lastObserved = belief;
            run.trace(nodeId, "believes " + belief);
        }
    }

    /**
     * Durability order, checked on every message Raft sends (etcd's rule: persist, then send): a
     * granted vote only once the vote is durable, a successful append acknowledgement only once the
     * acknowledged entries are durable.
     */
    private void checkDurableBeforeSend(long to, RaftMessage message) {
        switch (message) {
            case RaftMessage.RequestVoteResponse vote when vote.granted() -> Check.that(
                    storage.durableHardState().term() == vote.term() && storage.durableHardState().votedFor() == to,
                    "durability order: n%d granted its term-%d vote to n%d before that vote was durable (durable: %s)",
                    nodeId, vote.term(), to, storage.durableHardState());
            case RaftMessage.AppendEntriesResponse ack when ack.success() -> Check.that(
                    ack.matchIndex() <= storage.stableIndex(),
                    "durability order: n%d acknowledged entries through %d to n%d, but only %d are durable",
                    nodeId, ack.matchIndex(), to, storage.stableIndex());
            default -> { }
        }
    }

    /** Raft sees an {@code Env<RaftMessage>}; its messages travel wrapped in {@link ClusterMessage.Raft}. */
    private record RaftEnv(Env<ClusterMessage> env, KvServer server) implements Env<RaftMessage> {
        @Override public long nodeId() { return env.nodeId(); }
        @Override public long nowNs() { return env.nowNs(); }
        @Override public RandomSource random() { return env.random(); }
        @Override public void send(long to, RaftMessage message) {
            server.checkDurableBeforeSend(to, message);
            env.send(to, new ClusterMessage.Raft(message));
        }
        @Override public void setTimer(int timerId, long delayNs) { env.setTimer(timerId, delayNs); }
        @Override public void cancelTimer(int timerId) { env.cancelTimer(timerId); }
    }

    /** Raft applies committed commands to the MVCC store through this adapter. */
    private record KvAdapter(KvStateMachine kv) implements StateMachine {
        @Override public byte[] apply(long index, byte[] command) { return kv.apply(index, command); }
        @Override public byte[] snapshot() { return kv.snapshot(); }
        @Override public void restore(byte[] snapshot) { kv.restore(snapshot); }
    }
}
