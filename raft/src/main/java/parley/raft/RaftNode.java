package parley.raft;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import parley.core.Check;
import parley.core.env.Env;
import parley.raft.RaftMessage.AppendEntries;
import parley.raft.RaftMessage.AppendEntriesResponse;
import parley.raft.RaftMessage.Heartbeat;
import parley.raft.RaftMessage.HeartbeatResponse;
import parley.raft.RaftMessage.InstallSnapshot;
import parley.raft.RaftMessage.InstallSnapshotResponse;
import parley.raft.RaftMessage.PreVote;
import parley.raft.RaftMessage.PreVoteResponse;
import parley.raft.RaftMessage.RequestVote;
import parley.raft.RaftMessage.RequestVoteResponse;
import parley.raft.RaftMessage.TimeoutNow;

/**
 * One Raft replica as a deterministic state machine: it reacts to {@link #onMessage messages},
 * {@link #onTimer timers} and {@link #onSyncComplete sync completions}, and to client calls
 * ({@link #propose}, {@link #readIndex}, {@link #proposeConfigChange}, {@link #transferLeadership}),
 * and acts only through its {@link Env}, its {@link RaftStorage}, its {@link StateMachine} and its
 * {@link RaftListener}. See the package documentation for the story.
 *
 * <p>Lifecycle: construct, optionally {@link #bootstrap} (first start of a founding member), then
 * {@link #start}. The runtime must call {@link #onSyncComplete} for every {@link RaftStorage#sync}
 * the node issues (not for syncs issued before a crash), and {@link #onTimer} with
 * {@link #ELECTION_TIMER_ID} or {@link #HEARTBEAT_TIMER_ID} when a timer armed through the Env fires.
 * The node is single-threaded and not re-entrant: listener callbacks must not call back into it.
 *
 * <p>Not final: planted-bug variants in tests override the protected test seams.
 */
public class RaftNode {
    /** Election timeout (followers, candidates) and check-quorum interval (leaders). */
    public static final int ELECTION_TIMER_ID = 1;
    /** Heartbeat interval (leaders only). */
    public static final int HEARTBEAT_TIMER_ID = 2;

    private static final long NEVER_NS = Long.MIN_VALUE;

    final RaftConfig config;
    final Env<RaftMessage> env;
    final RaftStorage storage;
    final StateMachine stateMachine;
    final RaftListener listener;
    final long id;

    SyncTracker sync;
    RaftLog log;
    Applier applier;
    private final FollowerReplication follower = new FollowerReplication(this);

    long term;
    long votedFor = HardState.NO_VOTE;
    RaftRole role = RaftRole.FOLLOWER;
    long leaderId;
    /** When this node last heard from a leader of its term (or started, with leases on): the vote-refusal window. */
    private long leaderContactNs = NEVER_NS;
    private VoteTracker votes;
    LeaderRole leader;

    private boolean started;
    private boolean handling;
    /** Quiesced (RaftConfig.quiesce): a leader sends no heartbeats, a follower runs no election timer. */
    private boolean quiesced;
    private boolean bootstrapWritesPending;
    /** See {@link HardState#catchingUp}: no votes, no campaigns, until caught up with a leader. */
    private boolean catchingUp;
    private RaftRole reportedRole;
    private long reportedTerm = -1;
    private long reportedLeaderId = -1;

    public RaftNode(RaftConfig config, Env<RaftMessage> env, RaftStorage storage, StateMachine stateMachine,
                    RaftListener listener) {
        Check.that(config != null && env != null && storage != null && stateMachine != null && listener != null,
                "RaftNode needs a config, an env, storage, a state machine and a listener");
        this.config = config;
        this.env = env;
        this.storage = storage;
        this.stateMachine = stateMachine;
        this.listener = listener;
        this.id = env.nodeId();
        Check.that(id > 0, "node ids must be positive (0 means none): %d", id);
    }

    // ---------------------------------------------------------------------------------------------
    // Lifecycle

    /**
     * Founds a new cluster: writes a CONFIG entry with {@code initial} at index 1, term 1, and the hard
     * state of term 1, so that every founding member starts from the same first entry. Call once, on
     * empty storage, before {@link #start()}; the first sync after start makes it durable. Nodes that
     * join an existing cluster start on empty storage without bootstrapping and wait for the leader.
     */
    public void bootstrap(ClusterConfig initial) {
        Check.that(!started, "bootstrap must be called before start");
        Check.that(storage.lastIndex() == 0 && storage.snapshot().index() == 0 && storage.hardState().term() == 0,
                "bootstrap requires empty storage");
        if (initial.voters().isEmpty() || initial.isJoint()) {
            throw new IllegalArgumentException("a cluster is founded with a simple configuration with voters: " + initial);
        }
        storage.append(List.of(new LogEntry(1, 1, LogEntry.Kind.CONFIG, EntryCodec.encodeConfig(initial))));
        storage.setHardState(new HardState(1, HardState.NO_VOTE));
        bootstrapWritesPending = true;
    }

    /**
     * Starts on empty storage without founding anything, because this node is new or lost its state
     * (its data directory was wiped): whatever it acknowledged and whichever vote it cast before are
     * gone, so it may not vote (a candidate missing committed entries could win with its vote) until
     * it holds everything committed before it came back. It receives the log like a learner and
     * acknowledges what is durable; it casts no vote and never campaigns until an AppendEntries from
     * the leader of term T shows a commit index C with C at most its own matched log and the entry at
     * C of term T (the leader has committed in its own term, so every entry committed before, by
     * anyone, lies at or below C). That state is durable ({@link HardState#catchingUp}), so a crash
     * while catching up does not end it. Call once, on empty storage, before {@link #start()}.
     */
    public void join() {
        Check.that(!started, "join must be called before start");
        Check.that(storage.lastIndex() == 0 && storage.snapshot().index() == 0 && storage.hardState().term() == 0,
                "join requires empty storage");
        storage.setHardState(new HardState(0, HardState.NO_VOTE, true));
        bootstrapWritesPending = true;
    }

    /**
     * Snapshots the state machine at the applied index now and compacts the log up to it (etcd's
     * Defragment: the storage keeps only what it needs); false when nothing was applied since the
     * last snapshot.
     */
    public boolean snapshotNow() {
        Check.that(started, "snapshotNow before start");
        return applier.takeSnapshot();
    }

    /** Whether this node is catching up after starting without its state (see {@link #join}): it votes for no one yet. */
    public boolean isCatchingUp() {
        return catchingUp;
    }

    /**
     * The AppendEntries just matched this node's log through {@code matchedIndex}: if it shows the
     * leader's commit index within that, at an entry of the leader's own term, this node holds
     * everything ever committed before and may vote again.
     */
    void maybeCaughtUp(AppendEntries a, long matchedIndex) {
        if (!catchingUp || a.leaderCommit() == 0 || a.leaderCommit() > matchedIndex) return;
        if (a.leaderCommit() < log.firstIndex() - 1 || log.term(a.leaderCommit()) != a.term()) return;
        catchingUp = false;
        persistHardState();
        listener.onCaughtUp(a.leaderCommit());
    }

    /**
     * Recovers from storage (hard state, snapshot into the state machine and session table,
     * configuration from the snapshot and the CONFIG entries of the log) and arms the election timer.
     * Everything storage holds at start is taken to be durable (it is what survived).
     */
    public void start() {
        Check.that(!started, "start called twice");
        started = true;
        HardState hard = recoverHardState(storage.hardState());
        term = hard.term();
        votedFor = hard.votedFor();
        catchingUp = hard.catchingUp();
        Snapshot snapshot = storage.snapshot();
        sync = new SyncTracker(bootstrapWritesPending ? 0 : storage.lastIndex(), 1 + (env.random().nextLong() >>> 24));
        if (bootstrapWritesPending) {
            sync.wroteLog();
            sync.wroteHardState();
        }
        log = new RaftLog(storage, sync);
        applier = new Applier(config, log, stateMachine, listener);
        if (snapshot.index() > 0) applier.restore(snapshot.data());
        if (config.leaseReads()) {
            // A lease granted to a leader before a crash must be honoured after restart: behave as if
            // we had just heard from a leader, so this node refuses campaigns for a minimum timeout.
            leaderContactNs = env.nowNs();
        }
        handling = true;
        try {
            resetElectionTimer();
            afterEvent();
        } finally {
            handling = false;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Events

    /** Handles a message from node {@code from}. */
    public void onMessage(long from, RaftMessage message) {
        enter();
        try {
            Check.that(from != id && from > 0, "message from invalid sender %d", from);
            step(from, message);
            afterEvent();
        } finally {
            handling = false;
        }
    }

    /** Handles timer {@code timerId} firing. */
    public void onTimer(int timerId) {
        enter();
        try {
            switch (timerId) {
                case ELECTION_TIMER_ID -> onElectionTimer();
                case HEARTBEAT_TIMER_ID -> {
                    if (leader != null) leader.onHeartbeatTimer();
                }
                default -> Check.that(false, "unknown timer id %d", timerId);
            }
            afterEvent();
        } finally {
            handling = false;
        }
    }

    /** Handles completion of {@link RaftStorage#sync(long)} with {@code syncId}. Unknown ids are ignored. */
    public void onSyncComplete(long syncId) {
        enter();
        try {
            List<SyncTracker.Deferred> ready = sync.complete(syncId);
            if (ready != null) {
                for (SyncTracker.Deferred d : ready) {
                    // A message or step that waited for durability is void once the term moved on.
                    if (d.term() == term) d.action().run();
                }
                if (leader != null) leader.onLocalDurable();
            }
            afterEvent();
        } finally {
            handling = false;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Client API

    /**
     * Proposes a command. {@code clientId} 0 means no session (no deduplication); otherwise a retry
     * must reuse the sequence, and sequences of one client must grow.
     */
    public ProposeResult propose(long clientId, long sequence, byte[] command) {
        enter();
        try {
            Check.that(clientId >= 0, "clientId must be >= 0");
            if (quiesced && leader != null) unquiesce();
            ProposeResult result = leader == null ? new ProposeResult.NotLeader(leaderId)
                    : leader.propose(clientId, sequence, command);
            afterEvent();
            return result;
        } finally {
            handling = false;
        }
    }

    /** One command of a {@link #proposeAll} batch. */
    public record Proposal(long clientId, long sequence, byte[] command) {}

    /**
     * Proposes several commands in one event, so they are appended together and reach each follower
     * in one AppendEntries (as far as the batch limits allow) and one leader sync. Results are in order.
     */
    public List<ProposeResult> proposeAll(List<Proposal> proposals) {
        enter();
        try {
            if (quiesced && leader != null) unquiesce();
            List<ProposeResult> results = new ArrayList<>(proposals.size());
            for (Proposal p : proposals) {
                Check.that(p.clientId() >= 0, "clientId must be >= 0");
                results.add(leader == null ? new ProposeResult.NotLeader(leaderId) : leader.propose(p.clientId(), p.sequence(), p.command()));
            }
            afterEvent();
            return results;
        } finally {
            handling = false;
        }
    }

    /**
     * Starts a linearizable read. On {@link ReadResult.Pending}, {@link RaftListener#onReadReady} follows
     * once the state machine may be read (it has applied the read index), or
     * {@link RaftListener#onReadFailed} if leadership is lost first.
     */
    public ReadResult readIndex(long readId) {
        enter();
        try {
            if (quiesced && leader != null) unquiesce();
            ReadResult result = leader == null ? new ProposeResult.NotLeader(leaderId) : leader.readIndex(readId);
            afterEvent();
            return result;
        } finally {
            handling = false;
        }
    }

    /**
     * Proposes a membership change to {@code target} (a simple configuration). Changing voters goes
     * through a joint configuration that the leader leaves by itself once committed; a learner-only
     * change is applied directly. One change at a time.
     */
    public ProposeResult proposeConfigChange(ClusterConfig target) {
        enter();
        try {
            if (quiesced && leader != null) unquiesce();
            ProposeResult result = leader == null ? new ProposeResult.NotLeader(leaderId)
                    : leader.proposeConfigChange(target);
            afterEvent();
            return result;
        } finally {
            handling = false;
        }
    }

    /**
     * Hands leadership to voter {@code target}: catches it up, then tells it to campaign at once.
     * Proposals are refused meanwhile; the attempt is abandoned after a minimum election timeout.
     */
    public ProposeResult transferLeadership(long target) {
        enter();
        try {
            if (quiesced && leader != null) unquiesce();
            ProposeResult result = leader == null ? new ProposeResult.NotLeader(leaderId)
                    : leader.transferLeadership(target);
            afterEvent();
            return result;
        } finally {
            handling = false;
        }
    }

    /**
     * Wakes a quiesced group: a follower restarts its election timer (its node-level failure detector
     * suspects the leader's node: if the leader is gone, an election follows), a leader resumes
     * heartbeats (a member came back and must hear from it). Nothing happens when not quiesced.
     */
    public void wake() {
        enter();
        try {
            if (quiesced) unquiesce();
            afterEvent();
        } finally {
            handling = false;
        }
    }

    /** Whether this node quiesced: no heartbeats (leader), no election timer (follower). */
    public boolean isQuiesced() {
        return quiesced;
    }

    /** Leaves quiescence: timers back on, and a leader tells its followers at once. */
    private void unquiesce() {
        quiesced = false;
        if (leader != null) {
            leader.wake();
        } else {
            resetElectionTimer();
        }
    }

    /** The leader of this term quiesces the group: its last heartbeat told everyone everything. */
    void quiesceAsLeader() {
        Check.that(leader != null, "only a leader quiesces its group");
        quiesced = true;
        env.cancelTimer(HEARTBEAT_TIMER_ID);
        env.cancelTimer(ELECTION_TIMER_ID); // check-quorum has nothing to check while nobody speaks
    }

    /** A snapshot of this node's state, for traces and {@code cluster status}. */
    public RaftStatus status() {
        Check.that(started, "status before start");
        Map<Long, RaftStatus.PeerStatus> peers = new TreeMap<>();
        if (leader != null) {
            for (Progress p : leader.progress.all()) {
                peers.put(p.peerId, new RaftStatus.PeerStatus(p.matchIndex, p.nextIndex, p.state.name(),
                        p.lastContactNs, p.inflightCount()));
            }
        }
        return new RaftStatus(id, term, role, leaderId, votedFor, log.commitIndex(), log.appliedIndex(),
                log.lastIndex(), sync.durableLastIndex(), log.snapshotIndex(), log.config(), peers);
    }

    public long nodeId() { return id; }
    public boolean isLeader() { return role == RaftRole.LEADER; }
    public long leaderId() { return leaderId; }
    public long term() { return term; }
    public RaftRole role() { return role; }

    // ---------------------------------------------------------------------------------------------
    // Test seams

    /**
     * The largest log index a quorum of the configuration has durably matched: the leader's own
     * durable last index and each voter's acknowledged match, joint-consensus aware.
     * <p>Test seam: overridden only by planted-bug variants in tests.
     */
    protected long quorumCommitIndex() {
        Check.that(leader != null, "quorumCommitIndex outside leadership");
        return Quorum.jointValue(log.config(), voter -> voter == id ? sync.durableLastIndex()
                : leader.progress.matchIndex(voter));
    }

    /**
     * The hard state to resume with after a restart: the one stored.
     * <p>Test seam: overridden only by planted-bug variants in tests.
     */
    protected HardState recoverHardState(HardState stored) {
        return stored;
    }

    /**
     * Whether a read must wait for a quorum to confirm leadership (and for the leader's first commit
     * in its term) before it is served. True: a deposed leader that does not know it yet would
     * otherwise serve stale reads.
     * <p>Test seam: overridden only by planted-bug variants in tests.
     */
    protected boolean readsNeedQuorumConfirmation() {
        return true;
    }

    /**
     * Whether a follower may acknowledge appended entries before they are synced. False: an
     * acknowledged entry counts toward commitment, and must survive a crash of this follower.
     * <p>Test seam: overridden only by planted-bug variants in tests.
     */
    protected boolean acknowledgeAppendBeforeSync() {
        return false;
    }

    // ---------------------------------------------------------------------------------------------
    // Dispatch

    private void enter() {
        Check.that(started, "RaftNode used before start()");
        Check.that(!handling, "RaftNode is not re-entrant: a listener called back into it");
        handling = true;
    }

    private void step(long from, RaftMessage m) {
        // A quiesced leader sleeps through its followers' answers to the quiescing heartbeat; anything
        // else (a campaign, a rejection, a snapshot answer, a restarted follower) wakes it.
        if (quiesced && leader != null && !(m instanceof HeartbeatResponse)) unquiesce();
        if (m.term() > term) {
            if (!stepHigherTerm(from, m)) return;
        } else if (m.term() < term) {
            stepStaleTerm(from, m);
            return;
        }
        Check.that(m.term() == term, "dispatching a message of another term");
        switch (role) {
            case FOLLOWER -> stepFollower(from, m);
            case PRE_CANDIDATE, CANDIDATE -> stepCandidate(from, m);
            case LEADER -> leader.step(from, m);
        }
    }

    /**
     * A message from a later term. Returns true when it should then be handled in that (now our) term.
     * Campaign messages do not move our term while we still hear from a leader (dissertation 4.2.3:
     * a removed or partitioned server must not disrupt a working cluster), except a transfer.
     */
    private boolean stepHigherTerm(long from, RaftMessage m) {
        if (m instanceof PreVote pv) {
            respondPreVote(from, pv);
            return false;
        }
        if (m instanceof PreVoteResponse r && r.granted()) {
            // Granted pre-votes carry the term we would campaign in: term + 1.
            if (role == RaftRole.PRE_CANDIDATE && r.term() == term + 1) recordVote(from, true);
            return false;
        }
        if (m instanceof RequestVote rv && !rv.leadershipTransfer() && inLeaderLease()) {
            return false;
        }
        boolean fromLeader = m instanceof AppendEntries || m instanceof Heartbeat || m instanceof InstallSnapshot
                || m instanceof TimeoutNow;
        becomeFollower(m.term(), fromLeader ? from : 0);
        return true;
    }

    /** A message from an earlier term: tell its sender our term (Figure 2: reply false), or drop it. */
    private void stepStaleTerm(long from, RaftMessage m) {
        switch (m) {
            case AppendEntries a -> sendAfterHardState(from,
                    AppendEntriesResponse.reject(term, a.prevLogIndex(), 0, 0));
            case Heartbeat h -> sendAfterHardState(from, new HeartbeatResponse(term, 0));
            case InstallSnapshot s -> sendAfterHardState(from,
                    new InstallSnapshotResponse(term, s.snapshotIndex(), 0, false));
            case PreVote pv -> sendAfterHardState(from, new PreVoteResponse(term, false));
            case RequestVote rv -> sendAfterHardState(from, new RequestVoteResponse(term, false));
            default -> { } // a stale answer to something we no longer wait for
        }
    }

    private void stepFollower(long from, RaftMessage m) {
        switch (m) {
            case AppendEntries a -> {
                acceptLeader(from);
                follower.onAppendEntries(from, a);
            }
            case Heartbeat h -> {
                acceptLeader(from);
                follower.onHeartbeat(from, h);
                // Quiesce only holding everything the leader has: a follower missing entries keeps its
                // timer and, if the leader stays silent, campaigns (safe, if disruptive).
                if (h.quiesce() && log.commitIndex() == h.leaderCommit() && log.lastIndex() == h.leaderCommit()) {
                    quiesced = true;
                    env.cancelTimer(ELECTION_TIMER_ID);
                }
            }
            case InstallSnapshot s -> {
                acceptLeader(from);
                follower.onInstallSnapshot(from, s);
            }
            case RequestVote rv -> handleRequestVote(from, rv);
            case PreVote pv -> respondPreVote(from, pv);
            case TimeoutNow t -> {
                if (from == leaderId && promotable()) campaign(true);
            }
            default -> { } // answers to a campaign or leadership we no longer have
        }
    }

    private void stepCandidate(long from, RaftMessage m) {
        switch (m) {
            case AppendEntries a -> {
                becomeFollower(term, from);
                stepFollower(from, m);
            }
            case Heartbeat h -> {
                becomeFollower(term, from);
                stepFollower(from, m);
            }
            case InstallSnapshot s -> {
                becomeFollower(term, from);
                stepFollower(from, m);
            }
            case RequestVote rv -> handleRequestVote(from, rv);
            case PreVote pv -> respondPreVote(from, pv);
            case RequestVoteResponse r -> {
                if (role == RaftRole.CANDIDATE) recordVote(from, r.granted());
            }
            case PreVoteResponse r -> {
                // Same-term answers to a pre-vote can only be rejections (grants echo term + 1).
                if (role == RaftRole.PRE_CANDIDATE && !r.granted()) recordVote(from, false);
            }
            default -> { }
        }
    }

    private void afterEvent() {
        if (leader != null) leader.flushProposals();
        if (sync.shouldIssue()) {
            storage.sync(sync.issue(log.lastIndex()));
        }
        log.checkPositions();
        Check.that((role == RaftRole.LEADER) == (leader != null), "leader state present iff role is LEADER");
        Check.that(role != RaftRole.LEADER || (leaderId == id && votedFor == id), "a leader voted for itself and leads");
        Check.that(sync.durableLastIndex() <= log.lastIndex(), "durable index beyond the log");
        Check.that(!quiesced || role == RaftRole.LEADER || role == RaftRole.FOLLOWER, "only leaders and followers quiesce");
        Check.that(!quiesced || config.quiesce(), "quiesced without RaftConfig.quiesce");
        Check.that(!catchingUp || role == RaftRole.FOLLOWER, "a node catching up after losing its state neither campaigns nor leads");
        if (role != reportedRole || term != reportedTerm || leaderId != reportedLeaderId) {
            reportedRole = role;
            reportedTerm = term;
            reportedLeaderId = leaderId;
            listener.onRoleChanged(role, term, leaderId);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Elections

    private void onElectionTimer() {
        if (role == RaftRole.LEADER) {
            leader.onCheckQuorumTimer();
            return;
        }
        if (!promotable()) {
            // Learners, removed nodes and nodes that have not yet received a configuration never campaign.
            resetElectionTimer();
            return;
        }
        if (config.preVote()) {
            startPreVote();
        } else {
            campaign(false);
        }
    }

    /**
     * True when this node may campaign: it votes in the configuration in force, or it voted in the
     * last committed configuration and the one that demotes it is not committed yet (dissertation
     * 4.2.2: it may still be needed, e.g. when it holds the most up-to-date log). Its own vote counts
     * only where it is a voter, which the quorum arithmetic over the latest configuration ensures.
     */
    boolean promotable() {
        if (catchingUp) return false; // it may not even vote yet (see join)
        if (log.config().isVoter(id)) return true;
        return log.configIndex() > log.commitIndex() && log.configAt(log.commitIndex()).isVoter(id);
    }

    /** True while this node should refuse to help anyone else become leader (check-quorum lease). */
    private boolean inLeaderLease() {
        if (!config.checkQuorum()) return false;
        if (role == RaftRole.LEADER) return true;
        return leaderContactNs != NEVER_NS && env.nowNs() - leaderContactNs < config.electionTimeoutNsMin();
    }

    private void startPreVote() {
        Check.that(promotable(), "only voters campaign");
        quiesced = false;
        role = RaftRole.PRE_CANDIDATE;
        leaderId = 0;
        votes = new VoteTracker(true);
        resetElectionTimer();
        PreVote request = new PreVote(term + 1, log.lastIndex(), log.lastTerm());
        for (long voter : log.config().allVoters()) {
            if (voter != id) env.send(voter, request);
        }
        recordVote(id, true);
    }

    /** Becomes a candidate of the next term (§5.2). {@code transfer}: asked to by the leader (TimeoutNow). */
    private void campaign(boolean transfer) {
        Check.that(promotable(), "only voters campaign");
        Check.that(leader == null, "a leader does not campaign");
        quiesced = false; // a TimeoutNow may overtake the heartbeat that woke us
        long oldTerm = term;
        term++;
        votedFor = id;
        persistHardState();
        role = RaftRole.CANDIDATE;
        leaderId = 0;
        votes = new VoteTracker(false);
        resetElectionTimer();
        long campaignTerm = term;
        // Our own vote counts only once durable: a candidate that won on a vote it could forget in a
        // crash could later vote for someone else in the same term, making two leaders.
        deferUntilHardStateDurable(() -> {
            if (role == RaftRole.CANDIDATE && term == campaignTerm) recordVote(id, true);
        });
        RequestVote request = new RequestVote(term, log.lastIndex(), log.lastTerm(), transfer);
        for (long voter : log.config().allVoters()) {
            if (voter != id) sendAfterHardState(voter, request);
        }
        Check.that(term == oldTerm + 1 && votedFor == id, "a candidate increments its term and votes for itself");
    }

    private void recordVote(long from, boolean granted) {
        Check.that(role == RaftRole.PRE_CANDIDATE || role == RaftRole.CANDIDATE, "votes counted outside a campaign");
        votes.record(from, granted);
        switch (votes.result(log.config())) {
            case WON -> {
                if (role == RaftRole.PRE_CANDIDATE) campaign(false); else becomeLeader();
            }
            case LOST -> becomeFollower(term, 0);
            case PENDING -> { }
        }
    }

    /** Answers a pre-vote: granted when we would vote for it in its proposed term. */
    void respondPreVote(long from, PreVote pv) {
        boolean grant = !catchingUp && pv.term() > term && !inLeaderLease() && log.isUpToDate(pv.lastLogIndex(), pv.lastLogTerm());
        sendAfterHardState(from, new PreVoteResponse(grant ? pv.term() : term, grant));
    }

    /** Answers a vote request of our current term (§5.2, §5.4.1): once per term, to an up-to-date log. */
    void handleRequestVote(long from, RequestVote rv) {
        Check.that(rv.term() == term, "vote request not of our term");
        boolean canVote = !catchingUp && (votedFor == from || (votedFor == HardState.NO_VOTE && leaderId == 0));
        boolean grant = canVote && log.isUpToDate(rv.lastLogIndex(), rv.lastLogTerm());
        if (grant) {
            if (votedFor != from) {
                votedFor = from;
                persistHardState();
            }
            resetElectionTimer();
        }
        Check.that(!grant || votedFor == from, "granted a vote without recording it");
        sendAfterHardState(from, new RequestVoteResponse(term, grant));
    }

    /** Steps down (or stays) as follower of {@code newTerm}; {@code newLeader} 0 when unknown. */
    void becomeFollower(long newTerm, long newLeader) {
        Check.that(newTerm >= term, "terms never go back: %d -> %d", term, newTerm);
        if (newTerm > term) {
            term = newTerm;
            votedFor = HardState.NO_VOTE;
            persistHardState();
        }
        boolean wasQuiesced = quiesced;
        quiesced = false;
        boolean wasLeader = leader != null;
        if (wasLeader) {
            LeaderRole old = leader;
            leader = null;
            env.cancelTimer(HEARTBEAT_TIMER_ID);
            old.abandon();
        }
        role = RaftRole.FOLLOWER;
        leaderId = newLeader;
        votes = null;
        if (newLeader != 0) leaderContactNs = env.nowNs();
        // Figure 2: only a leader's message or a granted vote restarts the election timeout. Merely
        // adopting a higher term (say, from a rejected vote request of a removed node) must not, or
        // such a node could keep the cluster from ever timing out and electing a leader.
        // A quiesced node had no election timer: it needs one again, or it could wait forever.
        if (wasLeader || newLeader != 0 || wasQuiesced) resetElectionTimer();
    }

    private void becomeLeader() {
        Check.that(role == RaftRole.CANDIDATE && votedFor == id, "only a candidate that voted for itself becomes leader");
        quiesced = false;
        role = RaftRole.LEADER;
        leaderId = id;
        votes = null;
        leader = new LeaderRole(this);
        leader.start();
    }

    /** Follower bookkeeping for a message from the leader of our term. */
    private void acceptLeader(long from) {
        quiesced = false; // the leader speaks: awake (a quiescing heartbeat puts us back to sleep after)
        if (leaderId == 0) leaderId = from;
        Check.that(leaderId == from, "two leaders in term %d: %d and %d", term, leaderId, from);
        leaderContactNs = env.nowNs();
        resetElectionTimer();
    }

    void resetElectionTimer() {
        if (role == RaftRole.LEADER) {
            env.setTimer(ELECTION_TIMER_ID, config.electionTimeoutNsMin());
            return;
        }
        long delayNs = env.random().nextLong(config.electionTimeoutNsMin(), config.electionTimeoutNsMax());
        Check.that(delayNs >= config.electionTimeoutNsMin() && delayNs < config.electionTimeoutNsMax(), "election timeout out of range");
        env.setTimer(ELECTION_TIMER_ID, delayNs);
    }

    // ---------------------------------------------------------------------------------------------
    // Follower: log replication

    // ---------------------------------------------------------------------------------------------
    // Apply

    /** Applies committed entries in log order; releases reads; takes a snapshot when due. */
    void applyCommitted() {
        applier.applyCommitted(leader == null ? null : leader::onApplied);
        if (leader != null) leader.releaseReads();
        applier.maybeTakeSnapshot();
    }

    // ---------------------------------------------------------------------------------------------
    // Durability

    void persistHardState() {
        storage.setHardState(new HardState(term, votedFor, catchingUp));
        sync.wroteHardState();
    }

    /** Sends once the hard state (term, vote) is durable: right away if it already is. */
    void sendAfterHardState(long to, RaftMessage m) {
        if (sync.hardStateDurable()) {
            env.send(to, m);
        } else {
            sync.defer(sync.hardStateWriteSeq(), term, () -> env.send(to, m));
        }
    }

    /** Sends once every write issued so far is durable. */
    void sendAfterAllWrites(long to, RaftMessage m) {
        if (sync.allDurable()) {
            env.send(to, m);
        } else {
            sync.defer(sync.writeSeq(), term, () -> env.send(to, m));
        }
    }

    private void deferUntilHardStateDurable(Runnable action) {
        if (sync.hardStateDurable()) {
            action.run();
        } else {
            sync.defer(sync.hardStateWriteSeq(), term, action);
        }
    }
}
