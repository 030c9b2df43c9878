package parley.replica;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import parley.core.Check;
import parley.core.env.Env;
import parley.host.ReplicaHost;
import parley.kv.KvCodec;
import parley.kv.KvCommand;
import parley.kv.KvConfig;
import parley.kv.KvError;
import parley.kv.KvResult;
import parley.kv.KvStateMachine;
import parley.kv.LeaseClock;
import parley.kv.WatchRequest;
import parley.kv.WatchResponse;
import parley.raft.ClusterConfig;
import parley.raft.ProposeResult;
import parley.raft.RaftListener;
import parley.raft.RaftMessage;
import parley.raft.RaftNode;
import parley.raft.RaftRole;
import parley.raft.RaftStatus;
import parley.raft.RaftStorage;
import parley.raft.ReadResult;

/**
 * One Raft KV replica: a {@link RaftNode} and a {@link KvStateMachine} with everything a node does
 * around them. The simulator and the server run this class verbatim; each wraps it in a thin adapter
 * that turns its own requests (simulated client messages; etcd's gRPC calls) into calls here and
 * carries {@link Reply replies} back.
 *
 * <p>What it does:
 * <ul>
 *   <li>Writes: under a client's own session ({@code clientId}, {@code sequence}: a retry applies at
 *       most once), or under this replica's session, drawn at start. A batch of writes is one call,
 *       so concurrent clients share an append and a sync. Writes that add data are refused past the
 *       quota, and every write is refused once this node's disk failed.</li>
 *   <li>Reads: linearizable through ReadIndex, or serializable from local state.</li>
 *   <li>Watches: the store's events pushed to each watch's sink after every event, a bounded amount
 *       of history replay per event, progress notices on request or on a timer.</li>
 *   <li>Leases: the leader's clock decides expiry, and expiry goes through the log.</li>
 *   <li>History compaction by revision count and by bytes, proposed by the leader.</li>
 *   <li>Membership: member removal through joint consensus, answered once applied; disk failure
 *       hands leadership to the most caught-up follower.</li>
 * </ul>
 *
 * <p>Deterministic and single-threaded: it acts only through its Env and storage, and its runtime
 * calls one method at a time. Every public method that changes anything is an event: it runs the
 * after-event work (watch pumping, membership bookkeeping, status) before it returns.
 */
public final class KvReplica implements RaftListener, ReplicaHost.Replica<RaftMessage> {
    /** The Raft group of the default keyspace (keys outside every other keyspace's prefix). */
    public static final long DEFAULT_GROUP_ID = 1;
    private boolean leaseTimerArmed;
    private boolean watchTimerArmed;
    private boolean watchCatchUpTimerArmed;
    /** The replica's own timers, beside Raft's. */
    static final int LEASE_TIMER_ID = 16;
    static final int WATCH_PROGRESS_TIMER_ID = 17;
    /**
     * Set while a watch still replays history after an event's drains: catching up goes on in small
     * steps between other events, without waiting for a write that may never come (a quiesced group
     * has no other events).
     */
    static final int WATCH_CATCH_UP_TIMER_ID = 18;
    private static final long WATCH_CATCH_UP_DELAY_NS = 1_000_000L;
    /** How often a leader under writes checks whether history needs compacting (besides the lease timer). */
    private static final long BYTE_COMPACTION_CHECK_NS = 100_000_000L;
    /** A lease whose expiry proposal got lost is proposed again after this long. */
    private static final long LEASE_EXPIRY_RETRY_NS = 2_000_000_000L;
    /** Leases expired per check, so a mass expiry is spread over several checks. */
    private static final int LEASE_EXPIRIES_PER_CHECK_MAX = 64;
    /** Bounds the history replayed per event, so one catching-up watcher cannot stall the node. */
    private static final int WATCH_DRAINS_PER_EVENT_MAX = 8;
    /** Progress requests waiting at once; more are refused as busy. */
    static final int PROGRESS_WAITERS_MAX = 4096;

    private final Env<RaftMessage> env;
    private final ReplicaSettings settings;
    private final RaftStorage storage;
    private final ClusterConfig founders;
    private final ReplicaObserver observer;
    private final KvStateMachine kv;
    private final KvRaftStateMachine applied;
    private final RaftNode raft;
    private final LeaseClock leaseClock;
    private final ConfigChanges configChanges;
    /** This replica's own client session: one per boot, drawn from the node's random source. */
    private final long sessionId;
    private long sequenceNext = 1;
    private long readIdNext = 1;
    private final Map<ClientSequence, Reply<KvResult>> writes = new HashMap<>();
    private final Map<Long, PendingRead> reads = new HashMap<>();
    private final Map<Long, WatchConsumer> watchSinks = new HashMap<>();
    private final List<ProgressWaiter> progressWaiters = new ArrayList<>();
    private RaftStatus status;
    private long lastKnownLeader = -1;
    private long byteCompactionCheckedNs;
    private String diskFailure;
    private boolean started;

    private record ClientSequence(long clientId, long sequence) {}

    private record PendingRead(KvCommand command, long routedAt, Reply<KvResult> reply) {}

    private record ProgressWaiter(long watchId, Reply<Long> reply) {}

    /**
     * One write. {@code clientId} 0 means "under this replica's own session" (the server's clients
     * have no sessions of their own); otherwise the client's session makes a retry apply at most once.
     *
     * @param encoded the command in {@link KvCodec}'s encoding (encoded by the caller, possibly off this thread)
     */
    public record Write(long clientId, long sequence, KvCommand command, byte[] encoded, Reply<KvResult> reply) {
        /** A write under the replica's own session. */
        public static Write own(KvCommand command, byte[] encoded, Reply<KvResult> reply) {
            return new Write(0, 0, command, encoded, reply);
        }

        /** A write under the client's own session. */
        public static Write session(long clientId, long sequence, KvCommand command, Reply<KvResult> reply) {
            Check.that(clientId != 0, "a client session id is never 0");
            return new Write(clientId, sequence, command, KvCodec.encodeCommand(command), reply);
        }

        /**
         * This write as routed by the keyspace registry at revision {@code routedAt}: refused when it
         * applies if the group was fenced at a later revision meanwhile (see {@link KvRaftStateMachine}).
         */
        public Write routedAt(long routedAt) {
            return routedAt == 0 ? this : new Write(clientId, sequence, command, KvRaftStateMachine.routed(routedAt, encoded), reply);
        }
    }

    /** Applied index, store revision and {@link KvStateMachine#hash()}, read together. */
    public record StateHash(long appliedIndex, long revision, long hash) {}

    /**
     * @param env      this replica's environment (its group's, on a {@link ReplicaHost})
     * @param founders the founding voters: empty storage is bootstrapped with them if this node is one
     */
    public KvReplica(Env<RaftMessage> env, RaftStorage storage, ReplicaSettings settings, ClusterConfig founders,
                     RaftNodeFactory raftNodes, ReplicaObserver observer) {
        this(env, storage, settings, founders, raftNodes, LeaseClockFactory.STANDARD, observer);
    }

    /** @param leaseClocks makes the leader's lease clock (a planted-bug variant in tests) */
    public KvReplica(Env<RaftMessage> env, RaftStorage storage, ReplicaSettings settings, ClusterConfig founders,
                     RaftNodeFactory raftNodes, LeaseClockFactory leaseClocks, ReplicaObserver observer) {
        this(env, storage, new parley.engine.MemoryEngine(), new parley.kv.LiveCacheBudget(parley.kv.LiveCacheBudget.NODE_BYTES_DEFAULT),
                settings, founders, raftNodes, leaseClocks, observer);
    }

    /**
     * @param engine      where the group's key-value state lives, empty: it is rebuilt from {@code storage}'s
     *                    snapshot and log at start (a server's RocksDB engine, the simulator's in-memory one)
     * @param cacheBudget the heap for hot keys that every group of this node shares
     * @param leaseClocks makes the leader's lease clock (a planted-bug variant in tests)
     */
    public KvReplica(Env<RaftMessage> env, RaftStorage storage, parley.engine.KvEngine engine, parley.kv.LiveCacheBudget cacheBudget,
                     ReplicaSettings settings, ClusterConfig founders, RaftNodeFactory raftNodes, LeaseClockFactory leaseClocks,
                     ReplicaObserver observer) {
        this.kv = new KvStateMachine(KvConfig.defaults(), engine, cacheBudget);
        this.applied = new KvRaftStateMachine(kv);
        Check.that(LEASE_TIMER_ID != RaftNode.ELECTION_TIMER_ID && LEASE_TIMER_ID != RaftNode.HEARTBEAT_TIMER_ID
                && WATCH_PROGRESS_TIMER_ID != RaftNode.ELECTION_TIMER_ID && WATCH_PROGRESS_TIMER_ID != RaftNode.HEARTBEAT_TIMER_ID
                && WATCH_CATCH_UP_TIMER_ID != RaftNode.ELECTION_TIMER_ID && WATCH_CATCH_UP_TIMER_ID != RaftNode.HEARTBEAT_TIMER_ID,
                "the replica's timer ids must differ from Raft's");
        this.env = env;
        this.settings = settings;
        this.storage = storage;
        this.founders = founders;
        this.observer = observer;
        this.configChanges = new ConfigChanges(observer);
        this.sessionId = env.random().nextLong(1, Long.MAX_VALUE);
        this.leaseClock = leaseClocks.create(kv.leases(), LEASE_EXPIRY_RETRY_NS);
        this.raft = raftNodes.create(settings.raft(), env, storage, applied, this);
    }

    /** Recovers from storage (bootstrapping the founders on empty storage) and starts the timers. Call once. */
    public void start() {
        start(true);
    }

    /**
     * Recovers from storage and starts the timers. Empty storage founds the group (bootstraps the
     * founders) when {@code mayFound} and this node is a founder; otherwise it joins: it takes the log
     * from the leader and votes only once it has caught up ({@link RaftNode#join}), because this node
     * may be a member that lost its data. Call once.
     */
    public void start(boolean mayFound) {
        Check.that(!started, "KvReplica.start called twice on n%d", env.nodeId());
        started = true;
        boolean empty = storage.lastIndex() == 0 && storage.hardState().term() == 0 && storage.snapshot().index() == 0;
        if (empty && mayFound && founders.voters().contains(env.nodeId())) {
            raft.bootstrap(founders);
        } else if (empty) {
            raft.join();
        }
        raft.start();
        afterEvent(); // arms the replica's own timers as needed
    }

    // ---- events from the runtime ----

    @Override
    public void onMessage(long from, RaftMessage message) {
        raft.onMessage(from, message);
        afterEvent();
    }

    @Override
    public void onTimer(int timerId) {
        switch (timerId) {
            case LEASE_TIMER_ID -> {
                leaseTimerArmed = false; // afterEvent arms it again while it is needed
                if (raft.isLeader()) {
                    for (long leaseId : leaseClock.expired(env.nowNs(), LEASE_EXPIRIES_PER_CHECK_MAX)) {
                        proposeOwn(new KvCommand.LeaseExpire(leaseId));
                    }
                    proposeCompactionIfDue();
                }
            }
            case WATCH_CATCH_UP_TIMER_ID -> {
                watchCatchUpTimerArmed = false; // afterEvent arms it again while a watch still replays
                pumpWatches();
            }
            case WATCH_PROGRESS_TIMER_ID -> {
                watchTimerArmed = false;
                pumpWatches();
                for (WatchResponse progress : kv.watches().progress()) {
                    hand(progress);
                }
            }
            default -> raft.onTimer(timerId);
        }
        afterEvent();
    }

    /** Storage reports that sync {@code syncId} completed. Never call it from inside {@code sync}. */
    public void onSyncComplete(long syncId) {
        raft.onSyncComplete(syncId);
        afterEvent();
    }

    /**
     * This node's log failed (a full disk): it can no longer make anything durable, so every later
     * write is refused with {@link ReplicaError.NoSpace}, and if it leads it hands leadership to the
     * follower furthest along. It keeps answering reads.
     */
    public void diskFailed(String detail) {
        diskFailure = detail;
        if (raft.isLeader()) {
            long best = 0;
            long bestMatch = -1;
            for (var peer : raft.status().peers().entrySet()) {
                if (peer.getValue().matchIndex() > bestMatch) {
                    best = peer.getKey();
                    bestMatch = peer.getValue().matchIndex();
                }
            }
            if (best != 0) raft.transferLeadership(best);
        }
        afterEvent();
    }

    /**
     * The disk has room again: writes are accepted once more. (Groups whose storage failed are not
     * healed this way: their node reopens them from disk; see {@link #close}.)
     */
    public void diskRecovered() {
        diskFailure = null;
        afterEvent();
    }

    /** Why a watch ended when its replica was closed to be reopened from storage: its client watches again from where it was. */
    public static final String CLOSED_FOR_REOPEN_REASON =
            "parley: this node's disk filled up and has room again; its replica restarted from storage, watch again";

    /**
     * Ends this replica in place, before its node opens the group again from storage (after its log
     * failed on a full disk that has room again): every request still waiting is answered (writes:
     * outcome unknown, as they may have reached the log; reads and progress requests: not leader), and
     * every watch ends with {@code reason}, so its client watches again. Its timers are the host's to
     * cancel. Nothing is called on it afterwards.
     */
    public void close(String reason) {
        List<Reply<KvResult>> pendingWrites = new ArrayList<>(writes.values());
        writes.clear();
        pendingWrites.forEach(reply -> reply.failed(new ReplicaError.OutcomeUnknown()));
        List<PendingRead> pendingReads = new ArrayList<>(reads.values());
        reads.clear();
        pendingReads.forEach(read -> read.reply().failed(new ReplicaError.NotLeader(0)));
        List<ProgressWaiter> waiters = new ArrayList<>(progressWaiters);
        progressWaiters.clear();
        waiters.forEach(waiter -> waiter.reply().failed(new ReplicaError.NotLeader(0)));
        configChanges.failAll(new ReplicaError.OutcomeUnknown());
        Map<Long, WatchConsumer> sinks = new TreeMap<>(watchSinks);
        watchSinks.clear();
        sinks.forEach((watchId, sink) -> sink.offer(WatchResponse.canceled(watchId, kv.revision(), reason)));
    }

    // ---- requests ----

    /** Proposes {@code batch} together (one append, one sync); each write is answered once applied or refused. */
    public void write(List<Write> batch) {
        List<RaftNode.Proposal> proposals = new ArrayList<>(batch.size());
        List<Write> proposed = new ArrayList<>(batch.size());
        List<Reply<KvResult>> replaced = new ArrayList<>(batch.size());
        for (Write write : batch) {
            String refusal = diskFailure != null ? "this node's write-ahead log failed: " + diskFailure
                    : quotaRefusal(write.command(), kv.store().storedBytes(), settings.quotaBytes());
            if (refusal != null) {
                write.reply().failed(new ReplicaError.NoSpace(refusal));
                continue;
            }
            if (write.command() instanceof KvCommand.LeaseKeepAlive keepAlive && raft.isLeader()
                    && leaseClock.keepAlive(keepAlive.id(), env.nowNs()) < 0) {
                // The deadline passed by this leader's clock (its expiry is on its way) or the lease is
                // unknown: a keep-alive that went through the log anyway would tell the client "alive"
                // just before the expiry applies. etcd answers "not found" here too.
                write.reply().ok(new KvResult.Failure(kv.revision(), KvError.LEASE_NOT_FOUND,
                        "lease " + keepAlive.id() + " expired or unknown"));
                continue;
            }
            long clientId = write.clientId() == 0 ? sessionId : write.clientId();
            long sequence = write.clientId() == 0 ? sequenceNext++ : write.sequence();
            // Registered before proposing: Raft may answer a duplicate within the call. A retry of the
            // same (client, sequence) replaces an earlier registration, whose caller gave up on it.
            replaced.add(writes.put(new ClientSequence(clientId, sequence), write.reply()));
            proposals.add(new RaftNode.Proposal(clientId, sequence, write.encoded()));
            proposed.add(write);
        }
        if (!proposals.isEmpty()) {
            List<ProposeResult> results = raft.proposeAll(proposals);
            int accepted = 0;
            for (int i = 0; i < proposals.size(); i++) {
                RaftNode.Proposal proposal = proposals.get(i);
                Write write = proposed.get(i);
                switch (results.get(i)) {
                    case ProposeResult.Accepted ok -> {
                        accepted++;
                        // A client that retried before its first attempt was answered: the session table must apply it once.
                        if (env.buggify().fire("replica.propose-twice")) raft.propose(proposal.clientId(), proposal.sequence(), proposal.command());
                    }
                    case ProposeResult.NotLeader notLeader -> refuse(proposal, write, replaced.get(i), new ReplicaError.NotLeader(notLeader.leaderHint()));
                    case ProposeResult.Rejected rejected -> refuse(proposal, write, replaced.get(i), new ReplicaError.Busy(rejected.reason()));
                }
            }
            if (accepted > 0) observer.onProposed(accepted);
            // Large values can outrun the lease timer's check: look again after writes, at most every 100 ms.
            if (raft.isLeader() && env.nowNs() - byteCompactionCheckedNs > BYTE_COMPACTION_CHECK_NS) {
                byteCompactionCheckedNs = env.nowNs();
                proposeCompactionIfDue();
            }
        }
        afterEvent();
    }

    /** One write; see {@link #write(List)}. */
    public void write(Write write) {
        write(List.of(write));
    }

    /** Undoes the registration of a refused proposal (unless Raft already answered it) and says why. */
    private void refuse(RaftNode.Proposal proposal, Write write, Reply<KvResult> previous, ReplicaError error) {
        ClientSequence key = new ClientSequence(proposal.clientId(), proposal.sequence());
        if (writes.get(key) != write.reply()) return; // answered within the call
        if (previous == null) writes.remove(key);
        else writes.put(key, previous);
        write.reply().failed(error);
    }

    /**
     * Why {@code command} would take the store past {@code quotaBytes}, or null. As etcd does, only
     * what adds data is refused (puts, transactions, lease grants); deletes and compactions, which free
     * space, always pass. Every replica holds the same data, so each checks its own copy.
     */
    public static String quotaRefusal(KvCommand command, long storedBytes, long quotaBytes) {
        if (quotaBytes <= 0) return null;
        long adding = switch (command) {
            case KvCommand.Put put -> put.key().length() + put.value().length();
            case KvCommand.Txn txn -> 0;
            case KvCommand.LeaseGrant grant -> 0;
            default -> -1;
        };
        if (adding < 0 || storedBytes + adding <= quotaBytes) return null;
        return "the store holds " + storedBytes + " bytes of keys and values, the quota is " + quotaBytes + " (quota-backend-bytes)";
    }

    /** A read: linearizable (ReadIndex) unless {@code serializable}, which answers from local state at once. */
    public void read(KvCommand command, boolean serializable, Reply<KvResult> reply) {
        read(command, serializable, 0, reply);
    }

    /**
     * A read routed by the keyspace registry at revision {@code routedAt} (0: not routed): refused
     * like a write if this group is fenced at a later revision when it is answered.
     */
    public void read(KvCommand command, boolean serializable, long routedAt, Reply<KvResult> reply) {
        if (serializable) {
            KvResult.Failure fenced = applied.refusalOrNull(routedAt);
            reply.ok(fenced != null ? fenced : kv.read(command));
            return;
        }
        long readId = readIdNext++;
        // Registered before asking: Raft may confirm the read within the call (a lease read).
        reads.put(readId, new PendingRead(command, routedAt, reply));
        switch (raft.readIndex(readId)) {
            case ReadResult.Pending pending -> { }
            case ProposeResult.NotLeader notLeader -> {
                if (reads.remove(readId) != null) reply.failed(new ReplicaError.NotLeader(notLeader.leaderHint()));
            }
            case ProposeResult.Rejected rejected -> {
                if (reads.remove(readId) != null) reply.failed(new ReplicaError.Busy(rejected.reason()));
            }
        }
        afterEvent();
    }

    /**
     * This replica's watches: how many, how many wait for a consumer that stopped reading, and the
     * events held for those (bounded by {@code KvConfig.watchBlockedEventsMax}).
     */
    public record WatchStats(int watches, int blocked, long blockedBufferedEvents) {}

    public WatchStats watchStats() {
        return new WatchStats(kv.watches().watchers(), kv.watches().blockedWatchers(), kv.watches().blockedBufferedEvents());
    }

    /** Starts a watch on this replica's local state; its responses go to {@code sink}. Returns the watch id. */
    public long watch(WatchRequest request, WatchConsumer sink) {
        long watchId = kv.watches().watch(request);
        watchSinks.put(watchId, sink);
        afterEvent();
        return watchId;
    }

    /**
     * The consumer of watch {@code watchId}, which answered {@code false} to an offer, can take more:
     * what it missed follows (from the hub's buffer, or replayed from history). Harmless for a watch
     * that is not blocked or has ended.
     */
    public void resumeWatch(long watchId) {
        if (watchSinks.containsKey(watchId)) {
            kv.watches().unblock(watchId);
            afterEvent();
        }
    }

    /** Ends a watch (its cancellation notice, if any, still reaches the sink). */
    public void cancelWatch(long watchId) {
        kv.watches().cancel(watchId);
        afterEvent();
        watchSinks.remove(watchId);
    }

    /**
     * Answers with revision R once every event of watch {@code watchId} up to R has gone to its sink
     * (etcd's progress notice promises exactly that); with the current revision if the watch ended.
     */
    public void watchProgress(long watchId, Reply<Long> reply) {
        if (progressWaiters.size() >= PROGRESS_WAITERS_MAX) {
            reply.failed(new ReplicaError.Busy(parley.raft.RejectReason.BUSY));
            return;
        }
        progressWaiters.add(new ProgressWaiter(watchId, reply));
        afterEvent();
    }

    /** Whole seconds lease {@code leaseId} has left by this leader's clock (-1 when unknown); a follower's clock holds no deadlines. */
    public void leaseRemainingTtlSeconds(long leaseId, Reply<Long> reply) {
        if (!raft.isLeader()) reply.failed(new ReplicaError.NotLeader(raft.leaderId()));
        else reply.ok(leaseClock.remainingTtlSeconds(leaseId, env.nowNs()));
    }

    /**
     * Removes {@code memberId} from the Raft configuration (joint consensus, on the leader); answers
     * with the new configuration once this replica has applied the final, non-joint one. The only way
     * a member leaves: suspicion never gets here by itself.
     */
    public void removeMember(long memberId, Reply<ClusterConfig> reply) {
        if (!raft.isLeader()) {
            reply.failed(new ReplicaError.NotLeader(raft.leaderId()));
            return;
        }
        ClusterConfig current = raft.status().config();
        if (!current.members().contains(memberId)) {
            reply.failed(new ReplicaError.MemberNotFound(memberId));
            return;
        }
        if (configChanges.full()) {
            reply.failed(new ReplicaError.Busy(parley.raft.RejectReason.CONFIG_CHANGE_IN_PROGRESS));
            return;
        }
        Set<Long> voters = new TreeSet<>(current.voters());
        Set<Long> learners = new TreeSet<>(current.learners());
        voters.remove(memberId);
        learners.remove(memberId);
        switch (raft.proposeConfigChange(ClusterConfig.of(voters, learners))) {
            case ProposeResult.Accepted accepted -> configChanges.awaitRemoval(memberId, reply);
            case ProposeResult.NotLeader notLeader -> reply.failed(new ReplicaError.NotLeader(notLeader.leaderHint()));
            case ProposeResult.Rejected rejected -> reply.failed(new ReplicaError.Busy(rejected.reason()));
        }
        afterEvent();
    }

    /** Proposes a configuration change as is (an operator's demotion or promotion). */
    public ProposeResult proposeConfigChange(ClusterConfig target) {
        ProposeResult result = raft.proposeConfigChange(target);
        afterEvent();
        return result;
    }

    /** Hands leadership to {@code target}. */
    public ProposeResult transferLeadership(long target) {
        ProposeResult result = raft.transferLeadership(target);
        afterEvent();
        return result;
    }

    // ---- policy ----

    private void proposeOwn(KvCommand command) {
        raft.propose(sessionId, sequenceNext++, KvCodec.encodeCommand(command));
    }

    /**
     * The leader keeps {@code historyRetentionRevisions} of history and proposes a compaction (through
     * the log, so every replica compacts at the same point) once a tenth more has piled up: the store
     * holds its history and serializes it into every snapshot, so unbounded history would grow both
     * without end. Past {@code historyRetentionBytes} of superseded history it drops the oldest changes
     * until the history is back to half that bound.
     */
    private void proposeCompactionIfDue() {
        long target = compactionDue();
        if (target > 0) proposeOwn(new KvCommand.Compact(target));
    }

    /** The revision history should be compacted to now, or 0 when no compaction is due. */
    private long compactionDue() {
        long retentionRevisions = settings.historyRetentionRevisions();
        long retentionBytes = settings.historyRetentionBytes();
        long target = 0;
        if (retentionRevisions > 0) {
            long byCount = kv.revision() - retentionRevisions;
            if (byCount - kv.compactRevision() >= Math.max(1, retentionRevisions / 10)) target = byCount;
        }
        // Versions live at the target survive a compaction, so history twice over the bound (say,
        // after a large delete) is compacted to the current revision at once.
        long historyBytes = kv.store().storedBytes() - kv.store().liveBytes();
        if (retentionBytes > 0 && historyBytes > 2 * retentionBytes) {
            target = kv.revision();
        } else if (retentionBytes > 0 && historyBytes > retentionBytes) {
            target = Math.max(target, kv.store().revisionAfterOldest(historyBytes - retentionBytes / 2));
        }
        if (target <= kv.compactRevision() || target > kv.revision()) return 0;
        return target;
    }

    /** Pushes what the store's watch hub has ready: history being replayed (bounded), then live changes. */
    private void pumpWatches() {
        if (watchSinks.isEmpty()) return;
        // A loop that is busy elsewhere: catching up continues on later events.
        int rounds = env.buggify().fire("replica.watch-drain-short") ? 1 : WATCH_DRAINS_PER_EVENT_MAX;
        for (int round = 0; round < rounds; round++) {
            for (WatchResponse response : kv.watches().drain()) {
                hand(response);
                if (response.canceled()) watchSinks.remove(response.watchId());
            }
            if (!kv.watches().catchingUp()) return;
        }
    }

    /** Offers {@code response} to its watch's consumer; one that wants no more blocks the watch in the hub. */
    private void hand(WatchResponse response) {
        WatchConsumer sink = watchSinks.get(response.watchId());
        if (sink != null && !sink.offer(response) && !response.canceled()) {
            kv.watches().block(response.watchId());
        }
    }

    /** After every event: push watch events out, answer progress requests, note configuration changes. */
    private void afterEvent() {
        pumpWatches();
        if (!progressWaiters.isEmpty()) {
            progressWaiters.removeIf(waiter -> {
                if (!watchSinks.containsKey(waiter.watchId())) {
                    waiter.reply().ok(kv.revision());
                    return true;
                }
                var progress = kv.watches().progress(waiter.watchId());
                progress.ifPresent(p -> waiter.reply().ok(p.revision()));
                return progress.isPresent();
            });
        }
        status = raft.status();
        configChanges.observe(status.config());
        armTimers();
    }

    /**
     * The replica's own timers run only while they have work, so that an idle group costs nothing: the
     * lease check on an awake leader (lease expiry and compaction are the leader's to propose), the
     * watch progress timer while watches exist.
     */
    private void armTimers() {
        boolean leaseTimerWanted = raft.isLeader() && !raft.isQuiesced();
        if (leaseTimerWanted != leaseTimerArmed) {
            if (leaseTimerWanted) env.setTimer(LEASE_TIMER_ID, settings.leaseCheckIntervalMs() * 1_000_000L);
            else env.cancelTimer(LEASE_TIMER_ID);
            leaseTimerArmed = leaseTimerWanted;
        }
        boolean watchTimerWanted = settings.watchProgressIntervalMs() > 0 && !watchSinks.isEmpty();
        if (watchTimerWanted != watchTimerArmed) {
            if (watchTimerWanted) env.setTimer(WATCH_PROGRESS_TIMER_ID, settings.watchProgressIntervalMs() * 1_000_000L);
            else env.cancelTimer(WATCH_PROGRESS_TIMER_ID);
            watchTimerArmed = watchTimerWanted;
        }
        if (!watchCatchUpTimerArmed && !watchSinks.isEmpty() && kv.watches().catchingUp()) {
            env.setTimer(WATCH_CATCH_UP_TIMER_ID, WATCH_CATCH_UP_DELAY_NS);
            watchCatchUpTimerArmed = true;
        }
    }

    /**
     * A group with leases keeps its leader awake (their expiry is timed by the leader's clock), and so
     * does one whose history is due for compaction (the leader's lease-check timer proposes it).
     */
    @Override
    public boolean mayQuiesce() {
        return kv.leases().ids().isEmpty() && compactionDue() == 0;
    }

    /**
     * Fences this group at keyspace registry revision {@code revision} through its log (see
     * {@link KvRaftStateMachine}); on the leader only. Returns whether the proposal was accepted.
     */
    public boolean proposeFence(long revision) {
        boolean accepted = raft.propose(sessionId, sequenceNext++, KvRaftStateMachine.fence(revision)) instanceof ProposeResult.Accepted;
        afterEvent();
        return accepted;
    }

    /** The registry revision this group is fenced at, as applied here (0: never). */
    public long fenceRevision() {
        return applied.fenceRevision();
    }

    /** Wakes a quiesced group (see {@link RaftNode#wake}). */
    public void wake() {
        raft.wake();
        afterEvent();
    }

    /** Whether this replica's Raft node is quiesced. */
    public boolean isQuiesced() {
        return raft.isQuiesced();
    }

    // ---- Raft's callbacks ----

    @Override
    public void onApplied(long index, long clientId, long sequence, byte[] result) {
        observer.onApplied(index, clientId, sequence, result);
        Reply<KvResult> reply = writes.remove(new ClientSequence(clientId, sequence));
        if (reply != null) reply.ok(KvCodec.decodeResult(result));
    }

    @Override
    public void onStaleSequence(long index, long clientId, long sequence) {
        Reply<KvResult> reply = writes.remove(new ClientSequence(clientId, sequence));
        if (reply != null) reply.failed(new ReplicaError.OutcomeUnknown());
    }

    @Override
    public void onProposalDropped(long clientId, long sequence) {
        Reply<KvResult> reply = writes.remove(new ClientSequence(clientId, sequence));
        if (reply != null) reply.failed(new ReplicaError.OutcomeUnknown());
    }

    @Override
    public void onReadReady(long readId, long readIndex) {
        PendingRead pending = reads.remove(readId);
        if (pending == null) return;
        // The fence as of the read index: a lagging node's misrouted read cannot see a keyspace's keys vanish.
        KvResult.Failure fenced = applied.refusalOrNull(pending.routedAt());
        pending.reply().ok(fenced != null ? fenced : kv.read(pending.command()));
    }

    @Override
    public void onReadFailed(long readId) {
        PendingRead pending = reads.remove(readId);
        if (pending != null) pending.reply().failed(new ReplicaError.NotLeader(raft.leaderId()));
    }

    @Override
    public void onRoleChanged(RaftRole role, long term, long leaderId) {
        if (leaderId != 0 && leaderId != lastKnownLeader) {
            if (lastKnownLeader != -1) observer.onLeaderChanged(leaderId);
            lastKnownLeader = leaderId;
        }
        if (role == RaftRole.LEADER) {
            leaseClock.onBecameLeader(env.nowNs());
        } else {
            leaseClock.onBecameFollower();
        }
        observer.onRoleChanged(role, term, leaderId);
    }

    // ---- what it believes (read on the replica's thread; runtimes publish copies) ----

    /** What this replica believes, as of its last event. */
    public RaftStatus status() {
        return status;
    }

    public long revision() {
        return kv.revision();
    }

    /** Key and value bytes the store holds, live and history. */
    public long storedBytes() {
        return kv.store().storedBytes();
    }

    /** The replicated state's hash with the applied index and revision it belongs to. Serializes the store: for checkers. */
    public StateHash stateHash() {
        return new StateHash(raft.status().appliedIndex(), kv.revision(), kv.hash());
    }

    public long nodeId() {
        return env.nodeId();
    }

    /** Whether this replica leads its group now. */
    /**
     * etcd's HashKV at {@code revision} (0: the current one): the store's hash over its history at or
     * below it, with the compact revision and the revision it was read at.
     *
     * @throws RevisionRefused when the revision is compacted or in the future
     */
    public HashKv hashKv(long revision) {
        long current = kv.revision();
        long at = revision == 0 ? current : revision;
        if (at > current) throw new RevisionRefused(KvError.FUTURE_REV);
        if (at < kv.compactRevision()) throw new RevisionRefused(KvError.COMPACTED);
        return new HashKv(kv.store().hashKv(at), kv.compactRevision(), current);
    }

    /** A revision the store cannot answer at: compacted away, or not reached yet. */
    public static final class RevisionRefused extends RuntimeException {
        private final KvError error;

        RevisionRefused(KvError error) {
            super(error.grpcMessage(), null, false, false);
            this.error = error;
        }

        public KvError error() {
            return error;
        }
    }

    /** What {@link #hashKv} answers: the hash, the store's compact revision, its current revision. */
    public record HashKv(int hash, long compactRevision, long revision) {}

    /**
     * etcd's Defragment: snapshots the store now and compacts the log (and the write-ahead log's
     * segments) up to it, and has the state engine rewrite its files without the space deleted entries
     * still hold, so the storage holds only what it needs. Like etcd's, it blocks this replica while it
     * runs. False when the log held nothing more.
     */
    public boolean defragment() {
        boolean taken = raft.snapshotNow();
        kv.store().engine().compact();
        afterEvent();
        return taken;
    }

    /** Whether this replica started without its state and does not vote yet (see {@link RaftNode#join}). */
    public boolean isCatchingUp() {
        return raft.isCatchingUp();
    }

    public boolean isLeader() {
        return raft.isLeader();
    }

    /** The Raft node, for end-of-run checks. */
    public RaftNode raft() {
        return raft;
    }

    /** The state machine, for end-of-run checks. */
    public KvStateMachine stateMachine() {
        return kv;
    }

    public ReplicaSettings settings() {
        return settings;
    }
}
