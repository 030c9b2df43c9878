package parley.raft;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import parley.core.Check;
import parley.raft.RaftMessage.AppendEntries;
import parley.raft.RaftMessage.AppendEntriesResponse;
import parley.raft.RaftMessage.Heartbeat;
import parley.raft.RaftMessage.HeartbeatResponse;
import parley.raft.RaftMessage.InstallSnapshot;
import parley.raft.RaftMessage.InstallSnapshotResponse;
import parley.raft.RaftMessage.PreVote;
import parley.raft.RaftMessage.RequestVote;
import parley.raft.RaftMessage.TimeoutNow;

/**
 * Everything a node does only while it leads a term: replication to each follower (probe, pipeline,
 * snapshot), commitment by quorum, heartbeats and read confirmation rounds, leases, the bounded set
 * of proposals it accepted, membership changes and leadership transfer. Created on election and
 * abandoned on stepping down (which fails pending reads and reports dropped proposals).
 */
final class LeaderRole {
    /** A proposal this leader accepted, until applied. */
    private record ProposalRef(long clientId, long sequence) {}

    private static final int MAX_TRACKED_ROUNDS = 1024;

    private final RaftNode node;
    private final RaftConfig config;
    private final RaftLog log;
    private final long term;
    final ProgressTracker progress;
    private final ReadIndexQueue reads;
    private final TreeMap<Long, ProposalRef> pendingProposals = new TreeMap<>();

    /** Index of the no-op that opens this term; reads and config changes wait until it commits. */
    private long termStartIndex;
    private boolean committedInTerm;

    /** Heartbeat rounds: the last started, the last a quorum acknowledged, and when each was sent. */
    private long heartbeatRound;
    private long confirmedRound;
    private boolean roundWanted;
    private final TreeMap<Long, Long> roundSentNs = new TreeMap<>();

    private long transferTarget;
    private long transferDeadlineNs;
    private boolean timeoutNowSent;
    /**
     * A TimeoutNow went out in this term. Its forced campaign bypasses the voters' leases and may
     * arrive arbitrarily late, even after the transfer was abandoned, so no lease is trusted again.
     */
    private boolean leaseForfeited;

    LeaderRole(RaftNode node) {
        this.node = node;
        this.config = node.config;
        this.log = node.log;
        this.term = node.term;
        this.progress = new ProgressTracker(node.id, config.maxInflightAppends());
        this.reads = new ReadIndexQueue(config.maxPendingReads());
    }

    private long nowNs() {
        return node.env.nowNs();
    }

    /** Takes office: probe everyone from our last index, append the no-op of this term (§8), arm timers. */
    void start() {
        progress.syncWith(log.config(), log.lastIndex(), nowNs());
        LogEntry noop = append(LogEntry.Kind.NOOP, new byte[0]);
        termStartIndex = noop.index();
        broadcastAppend(false);
        node.env.setTimer(RaftNode.HEARTBEAT_TIMER_ID, config.heartbeatIntervalNs());
        node.resetElectionTimer();
        maybeCommit(); // a single-voter cluster commits once the no-op is durable; nothing yet here
        Check.that(log.term(termStartIndex) == term, "no-op of the wrong term");
    }

    /** Steps down: reads fail, accepted-but-unapplied proposals have an unknown outcome. */
    void abandon() {
        reads.failAll(node.listener::onReadFailed);
        for (Map.Entry<Long, ProposalRef> e : pendingProposals.entrySet()) {
            node.listener.onProposalDropped(e.getValue().clientId(), e.getValue().sequence());
        }
        pendingProposals.clear();
    }

    void step(long from, RaftMessage m) {
        switch (m) {
            case AppendEntriesResponse r -> onAppendResponse(from, r);
            case HeartbeatResponse r -> onHeartbeatResponse(from, r);
            case InstallSnapshotResponse r -> onSnapshotResponse(from, r);
            case RequestVote rv -> node.handleRequestVote(from, rv); // we voted for ourselves: rejected
            case PreVote pv -> node.respondPreVote(from, pv);
            case AppendEntries a -> Check.that(false, "two leaders in term %d: %d and %d", term, node.id, from);
            case Heartbeat h -> Check.that(false, "two leaders in term %d: %d and %d", term, node.id, from);
            case InstallSnapshot s -> Check.that(false, "two leaders in term %d: %d and %d", term, node.id, from);
            case TimeoutNow t -> Check.that(false, "TimeoutNow to the leader of term %d from %d", term, from);
            default -> { } // vote answers of our finished campaign
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Client requests

    ProposeResult propose(long clientId, long sequence, byte[] command) {
        if (transferTarget != 0) return new ProposeResult.Rejected(RejectReason.TRANSFER_IN_PROGRESS);
        if (pendingProposals.size() >= config.maxPendingProposals()) return new ProposeResult.Rejected(RejectReason.BUSY);
        byte[] data = EntryCodec.encodeCommand(clientId, sequence, command);
        if (data.length + 24 > config.maxAppendBytes()) return new ProposeResult.Rejected(RejectReason.TOO_LARGE);
        LogEntry e = append(LogEntry.Kind.COMMAND, data);
        pendingProposals.put(e.index(), new ProposalRef(clientId, sequence));
        // Sent at the end of the event (flushProposals), so proposals made together travel together.
        proposalsUnsent = true;
        Check.that(pendingProposals.size() <= config.maxPendingProposals(), "pending proposals over their bound");
        return new ProposeResult.Accepted(e.index(), term);
    }

    ReadResult readIndex(long readId) {
        if (reads.isFull()) return new ProposeResult.Rejected(RejectReason.BUSY);
        if (!node.readsNeedQuorumConfirmation()) {
            reads.addConfirmed(readId, log.commitIndex());
        } else if (committedInTerm && leaseValid()) {
            reads.addConfirmed(readId, log.commitIndex());
        } else {
            reads.add(readId);
            if (committedInTerm) assignReadIndexes();
        }
        releaseReads();
        return new ReadResult.Pending(readId);
    }

    /** Gives waiting reads the commit index and a confirmation round that starts now or next. */
    private void assignReadIndexes() {
        Check.that(committedInTerm, "read index assigned before the leader committed in its term");
        if (!reads.assignUnassigned(log.commitIndex(), heartbeatRound + 1)) return;
        if (confirmedRound == heartbeatRound) {
            broadcastHeartbeat();
        } else {
            roundWanted = true; // batch: start the next round once the outstanding one is answered
        }
    }

    void releaseReads() {
        reads.releaseReady(log.appliedIndex(), node.listener::onReadReady);
    }

    private boolean leaseValid() {
        if (!config.leaseReads() || transferTarget != 0 || leaseForfeited || confirmedRound == 0) return false;
        Long sentNs = roundSentNs.get(confirmedRound);
        Check.that(sentNs != null, "send time of the confirmed round forgotten");
        return nowNs() - sentNs < config.leaseDurationNs();
    }

    ProposeResult proposeConfigChange(ClusterConfig target) {
        if (transferTarget != 0) return new ProposeResult.Rejected(RejectReason.TRANSFER_IN_PROGRESS);
        if (target.isJoint() || target.voters().isEmpty()) return new ProposeResult.Rejected(RejectReason.INVALID_CONFIG);
        ClusterConfig current = log.config();
        // One change at a time, and only after this leader committed in its term (dissertation bug fix, 4.1).
        if (current.isJoint() || log.configIndex() > log.commitIndex() || !committedInTerm) {
            return new ProposeResult.Rejected(RejectReason.CONFIG_CHANGE_IN_PROGRESS);
        }
        ClusterConfig next = current.voters().equals(target.voters())
                ? target // learners only: no voter changes, so no joint phase needed
                : new ClusterConfig(target.voters(), current.voters(), target.learners());
        LogEntry e = append(LogEntry.Kind.CONFIG, EntryCodec.encodeConfig(next));
        broadcastAppend(false);
        Check.that(log.config().equals(next), "a configuration takes effect when appended");
        return new ProposeResult.Accepted(e.index(), term);
    }

    ProposeResult transferLeadership(long target) {
        if (target == node.id || !log.config().voters().contains(target)) {
            return new ProposeResult.Rejected(RejectReason.INVALID_TARGET);
        }
        if (transferTarget != 0) return new ProposeResult.Rejected(RejectReason.TRANSFER_IN_PROGRESS);
        transferTarget = target;
        transferDeadlineNs = nowNs() + config.electionTimeoutNsMin();
        timeoutNowSent = false;
        Progress p = progress.get(target);
        Check.that(p != null, "no progress for voter %d", target);
        if (!maybeSendTimeoutNow(p)) sendAppend(p, false);
        return new ProposeResult.Accepted(log.lastIndex(), term);
    }

    private boolean maybeSendTimeoutNow(Progress p) {
        if (p.peerId != transferTarget || timeoutNowSent || p.matchIndex != log.lastIndex()) return false;
        leaseForfeited = true;
        node.env.send(p.peerId, new TimeoutNow(term));
        timeoutNowSent = true;
        return true;
    }

    // ---------------------------------------------------------------------------------------------
    // Replication

    private LogEntry append(LogEntry.Kind kind, byte[] data) {
        LogEntry e = new LogEntry(term, log.lastIndex() + 1, kind, data);
        log.append(List.of(e));
        if (kind == LogEntry.Kind.CONFIG) progress.syncWith(log.config(), log.lastIndex(), nowNs());
        Check.that(log.lastIndex() == e.index(), "append did not extend the log");
        return e;
    }

    /** Whether proposals were appended in this event and not yet sent to the followers. */
    private boolean proposalsUnsent;

    /** Sends the proposals appended during this event, batched per follower. Called at every event's end. */
    void flushProposals() {
        if (!proposalsUnsent) return;
        proposalsUnsent = false;
        broadcastAppend(false);
    }

    private void broadcastAppend(boolean sendEmpty) {
        for (Progress p : progress.all()) sendAppend(p, sendEmpty);
    }

    /**
     * Sends the next batch to {@code p} if its state allows. {@code sendEmpty}: send even without new
     * entries (to carry a new commit index). Probes are always sent, empty or not.
     */
    private void sendAppend(Progress p, boolean sendEmpty) {
        if (p.isPaused()) return;
        long prev = p.nextIndex - 1;
        long prevTerm = log.termOrUnknown(prev);
        if (prevTerm == RaftLog.UNKNOWN_TERM) {
            Check.that(prev < log.snapshotIndex(), "next index %d beyond the log %d", p.nextIndex, log.lastIndex());
            startSnapshot(p);
            return;
        }
        List<LogEntry> entries = log.entries(p.nextIndex, config.maxEntriesPerAppend(), config.maxAppendBytes());
        if (entries.isEmpty() && !sendEmpty && p.state != Progress.State.PROBE) return;
        node.env.send(p.peerId, new AppendEntries(term, prev, prevTerm, entries, log.commitIndex()));
        if (!entries.isEmpty()) {
            p.sentEntries(entries.get(entries.size() - 1).index(), nowNs());
        } else if (p.state == Progress.State.PROBE) {
            p.probeSent = true;
        }
    }

    private void onAppendResponse(long from, AppendEntriesResponse r) {
        Progress p = progress.get(from);
        if (p == null) return;
        p.lastContactNs = nowNs();
        if (r.logLost()) {
            // The follower lost its state (RaftNode.join): what it acknowledged before is gone, so its
            // match goes back to what its log holds now. It casts no vote until it has caught up, so
            // the commits its old acknowledgements helped make stay safe.
            p.resetAfterLogLoss(r.conflictIndex() - 1);
            sendAppend(p, true);
            return;
        }
        if (r.success()) {
            Check.that(r.matchIndex() <= log.lastIndex(), "follower %d matched %d beyond our log %d", from, r.matchIndex(), log.lastIndex());
            if (p.state == Progress.State.SNAPSHOT) return; // the snapshot's answer moves it on
            boolean advanced = p.updateMatch(r.matchIndex(), nowNs());
            if (p.state == Progress.State.PROBE) {
                if (advanced || r.matchIndex() == p.matchIndex) p.becomeReplicate(nowNs()); else p.probeSent = false;
            }
            if (advanced && maybeCommit()) return; // maybeCommit may end our leadership (removed from config)
            maybeSendTimeoutNow(p);
            sendAppend(p, false);
            return;
        }
        onAppendRejected(p, r);
    }

    private void onAppendRejected(Progress p, AppendEntriesResponse r) {
        switch (p.state) {
            case SNAPSHOT -> { return; }
            case REPLICATE -> {
                if (r.rejectedPrevIndex() <= p.matchIndex) return; // stale: that part is matched already
            }
            case PROBE -> {
                if (r.rejectedPrevIndex() != p.nextIndex - 1) return; // answer to an earlier probe
            }
        }
        long next = r.conflictIndex();
        if (r.conflictTerm() > 0) {
            long ours = log.lastIndexOfTerm(r.conflictTerm(), r.rejectedPrevIndex());
            if (ours > 0) next = ours + 1;
        }
        next = Math.max(p.matchIndex + 1, Math.min(next, r.rejectedPrevIndex()));
        Check.that(next <= r.rejectedPrevIndex() || next == p.matchIndex + 1, "backtracking must move next down");
        p.becomeProbe(next);
        sendAppend(p, true);
    }

    /** Commits the quorum's durable match if it is of this term (§5.4.2: never count older terms). */
    private boolean maybeCommit() {
        long quorumIndex = node.quorumCommitIndex();
        Check.that(quorumIndex <= log.lastIndex(), "quorum index %d beyond the log %d", quorumIndex, log.lastIndex());
        if (quorumIndex <= log.commitIndex() || log.term(quorumIndex) != term) return false;
        log.commitTo(quorumIndex);
        if (!committedInTerm) {
            committedInTerm = true;
            assignReadIndexes();
        }
        node.applyCommitted();
        if (maybeAdvanceConfig()) return true;
        // Followers learn the new commit index now rather than at the next heartbeat.
        broadcastAppend(true);
        return false;
    }

    /** The leader's own entries became durable: they may complete a quorum. */
    void onLocalDurable() {
        maybeCommit();
    }

    void onApplied(long index) {
        pendingProposals.remove(index);
    }

    /**
     * After a commit: leave a committed joint configuration by appending its simple successor, or step
     * down when a committed configuration no longer has us as a voter. Returns true if we stepped down.
     */
    private boolean maybeAdvanceConfig() {
        ClusterConfig current = log.config();
        if (log.configIndex() > log.commitIndex()) return false;
        if (current.isJoint()) {
            append(LogEntry.Kind.CONFIG, EntryCodec.encodeConfig(current.leaveJoint()));
            return false;
        }
        if (!current.voters().contains(node.id)) {
            node.becomeFollower(term, 0);
            return true;
        }
        return false;
    }

    // ---------------------------------------------------------------------------------------------
    // Heartbeats, confirmation rounds, check-quorum

    void onHeartbeatTimer() {
        node.env.setTimer(RaftNode.HEARTBEAT_TIMER_ID, config.heartbeatIntervalNs());
        if (transferTarget != 0 && nowNs() >= transferDeadlineNs) {
            transferTarget = 0; // the target did not take over in time: resume serving
        }
        timeoutNowSent = false;
        if (mayQuiesce()) {
            quiesce();
            return;
        }
        broadcastHeartbeat();
        for (Progress p : progress.all()) {
            if (p.state == Progress.State.SNAPSHOT && nowNs() - p.snapshotChunkSentNs >= config.snapshotChunkTimeoutNs()) {
                sendSnapshotChunk(p); // lost chunk or answer: resend the one in flight
            }
        }
    }

    /**
     * Whether the group is idle enough to go quiet: everything is committed, applied and durable
     * everywhere, every member answered within an election timeout, and nothing waits (proposals,
     * reads, a transfer, a configuration change, a snapshot).
     */
    private boolean mayQuiesce() {
        if (!config.quiesce() || !committedInTerm || transferTarget != 0 || roundWanted) return false;
        if (!pendingProposals.isEmpty() || reads.size() > 0) return false;
        long last = log.lastIndex();
        if (log.commitIndex() != last || log.appliedIndex() != last || !node.sync.allDurable()) return false;
        if (log.config().isJoint() || log.configIndex() > log.commitIndex()) return false;
        long since = nowNs() - config.electionTimeoutNsMin();
        for (Progress p : progress.all()) {
            if (p.state != Progress.State.REPLICATE || p.matchIndex != last || p.inflightCount() > 0 || p.lastContactNs < since) return false;
        }
        return node.listener.mayQuiesce();
    }

    /** Goes quiet: one last heartbeat carries the full commit index and tells followers to stop their timers. */
    private void quiesce() {
        heartbeatRound++;
        roundSentNs.put(heartbeatRound, nowNs());
        for (Progress p : progress.all()) {
            node.env.send(p.peerId, new Heartbeat(term, log.commitIndex(), heartbeatRound, true));
        }
        updateConfirmedRound();
        node.quiesceAsLeader();
    }

    /** Leaves quiescence: heartbeats and check-quorum resume, and followers hear from us at once. */
    void wake() {
        // Contacts are as old as the quiescence; count from now, so check-quorum judges the time awake.
        for (Progress p : progress.all()) p.lastContactNs = Math.max(p.lastContactNs, nowNs());
        node.env.setTimer(RaftNode.HEARTBEAT_TIMER_ID, config.heartbeatIntervalNs());
        node.resetElectionTimer();
        broadcastHeartbeat();
    }

    private void broadcastHeartbeat() {
        heartbeatRound++;
        roundWanted = false;
        roundSentNs.put(heartbeatRound, nowNs());
        while (roundSentNs.size() > MAX_TRACKED_ROUNDS && roundSentNs.firstKey() < confirmedRound) roundSentNs.pollFirstEntry();
        for (Progress p : progress.all()) {
            node.env.send(p.peerId, new Heartbeat(term, Math.min(log.commitIndex(), p.matchIndex), heartbeatRound));
        }
        updateConfirmedRound(); // a single voter confirms its own round
    }

    private void onHeartbeatResponse(long from, HeartbeatResponse r) {
        Progress p = progress.get(from);
        if (p == null) return;
        p.lastContactNs = nowNs();
        if (r.readContext() > p.readRoundAcked && r.readContext() <= heartbeatRound) {
            p.readRoundAcked = r.readContext();
            updateConfirmedRound();
            if (node.leader != this) return;
        }
        if (p.state == Progress.State.PROBE) {
            p.probeSent = false; // the follower is reachable: retry a probe that may have been lost
            sendAppend(p, true);
        } else if (p.pipelineStalled(nowNs(), 2 * config.heartbeatIntervalNs())) {
            p.becomeProbe(p.matchIndex + 1); // the tail of the pipeline was probably lost
            sendAppend(p, true);
        } else if (p.state == Progress.State.REPLICATE && p.matchIndex < log.lastIndex()) {
            sendAppend(p, false);
        }
        maybeSendTimeoutNow(p);
    }

    private void updateConfirmedRound() {
        long round = Quorum.jointValue(log.config(), voter -> voter == node.id ? heartbeatRound : progress.readRoundAcked(voter));
        if (round <= confirmedRound) return;
        Check.that(round <= heartbeatRound, "confirmed a round not yet started");
        confirmedRound = round;
        roundSentNs.headMap(confirmedRound, false).clear();
        reads.confirmThrough(confirmedRound);
        releaseReads();
        if (roundWanted) broadcastHeartbeat();
    }

    /** Check-quorum (dissertation 6.2): step down when a quorum has been silent for an election timeout. */
    void onCheckQuorumTimer() {
        long since = nowNs() - config.electionTimeoutNsMin();
        boolean active = Quorum.jointSatisfied(log.config(),
                voter -> voter == node.id || progress.lastContactNs(voter) >= since);
        if (config.checkQuorum() && !active) {
            node.becomeFollower(term, 0);
            return;
        }
        node.resetElectionTimer();
    }

    // ---------------------------------------------------------------------------------------------
    // Snapshots to lagging followers

    private void startSnapshot(Progress p) {
        Snapshot snapshot = log.snapshot();
        Check.that(snapshot.index() >= p.nextIndex - 1 && snapshot.index() > 0, "snapshot does not cover what %d needs", p.peerId);
        p.becomeSnapshot(snapshot, nowNs());
        sendSnapshotChunk(p);
    }

    private void sendSnapshotChunk(Progress p) {
        Snapshot s = p.snapshot;
        long total = s.data().length;
        long offset = p.snapshotOffsetBytes;
        int length = (int) Math.min(config.snapshotChunkBytes(), total - offset);
        Check.that(offset >= 0 && length >= 0 && offset + length <= total, "snapshot chunk out of range");
        byte[] chunk = Arrays.copyOfRange(s.data(), (int) offset, (int) offset + length);
        boolean done = offset + length == total;
        InstallSnapshot message = new InstallSnapshot(term, s.index(), s.term(), s.config(), total, offset, chunk, done);
        node.env.send(p.peerId, message);
        // A retransmission that crossed the original's acknowledgement: the follower sees the chunk twice.
        if (node.env.buggify().fire("raft.snapshot-chunk-twice")) node.env.send(p.peerId, message);
        p.snapshotChunkLength = length;
        p.snapshotChunkSentNs = nowNs();
    }

    private void onSnapshotResponse(long from, InstallSnapshotResponse r) {
        Progress p = progress.get(from);
        if (p == null) return;
        p.lastContactNs = nowNs();
        if (p.state != Progress.State.SNAPSHOT || r.snapshotIndex() != p.snapshot.index()) return;
        if (r.installed()) {
            p.updateMatch(r.snapshotIndex(), nowNs());
            p.becomeProbe(p.matchIndex + 1);
            sendAppend(p, true);
            return;
        }
        Check.that(r.nextOffsetBytes() >= 0 && r.nextOffsetBytes() <= p.snapshot.data().length, "snapshot offset out of range");
        // Go where the follower says: the next chunk, back to a restart, or even ahead (duplicated
        // chunks may have reached it while their answers were lost). If it still expects the chunk in
        // flight, that chunk is late or lost: the retransmit timer resends it, one chunk at a time.
        if (r.nextOffsetBytes() != p.snapshotOffsetBytes) {
            p.snapshotOffsetBytes = r.nextOffsetBytes();
            sendSnapshotChunk(p);
        }
    }
}
