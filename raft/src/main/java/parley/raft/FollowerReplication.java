package parley.raft;

import java.util.List;
import parley.core.Check;
import parley.raft.RaftMessage.AppendEntries;
import parley.raft.RaftMessage.AppendEntriesResponse;
import parley.raft.RaftMessage.Heartbeat;
import parley.raft.RaftMessage.HeartbeatResponse;
import parley.raft.RaftMessage.InstallSnapshot;
import parley.raft.RaftMessage.InstallSnapshotResponse;

/**
 * The follower's side of replication (Figure 2, AppendEntries receiver; heartbeats; snapshot
 * chunks): match the leader's log, truncate conflicts, learn the commit index, and acknowledge only
 * what is durable. The caller has already checked the term and accepted the sender as leader.
 */
final class FollowerReplication {
    private final RaftNode node;
    private final SnapshotReceiver snapshotReceiver = new SnapshotReceiver();

    FollowerReplication(RaftNode node) {
        this.node = node;
    }

    void onAppendEntries(long from, AppendEntries a) {
        long prev = a.prevLogIndex();
        long prevTerm = a.prevLogTerm();
        List<LogEntry> entries = a.entries();
        long commit = node.log.commitIndex();
        if (a.lastIndex() <= commit) {
            // Everything it carries is committed here already, hence identical: we match up to commit.
            acknowledgeAppend(from, commit);
            return;
        }
        if (prev < commit) {
            // Skip the committed prefix of the batch (it may be compacted away here).
            int skip = (int) (commit - prev);
            prevTerm = entries.get(skip - 1).term();
            entries = entries.subList(skip, entries.size());
            prev = commit;
            Check.that(node.log.term(commit) == prevTerm, "leader's entry %d differs from our committed one", commit);
        }
        if (prev > node.log.lastIndex() || node.log.term(prev) != prevTerm) {
            rejectAppend(from, a.prevLogIndex(), prev);
            return;
        }
        long lastNew = node.log.appendFromLeader(prev, entries);
        if (a.leaderCommit() > node.log.commitIndex()) {
            long newCommit = Math.min(a.leaderCommit(), lastNew);
            if (newCommit > node.log.commitIndex()) node.log.commitTo(newCommit);
        }
        acknowledgeAppend(from, lastNew);
        node.maybeCaughtUp(a, lastNew);
        node.applyCommitted();
    }

    /** Reject with a hint so the leader can skip a whole conflicting term (dissertation 5.3). */
    private void rejectAppend(long from, long rejectedPrevIndex, long prev) {
        if (node.isCatchingUp() && prev > node.log.lastIndex()) {
            // Maybe the leader counts entries we acknowledged before losing our state: say where our log ends.
            node.sendAfterHardState(from, AppendEntriesResponse.logLost(node.term, node.log.lastIndex()));
            return;
        }
        long conflictIndex;
        long conflictTerm;
        if (prev > node.log.lastIndex()) {
            conflictIndex = node.log.lastIndex() + 1;
            conflictTerm = 0;
        } else {
            conflictTerm = node.log.term(prev);
            conflictIndex = node.log.firstIndexOfTermRun(prev, conflictTerm, node.log.commitIndex());
        }
        Check.that(conflictIndex > node.log.commitIndex() || conflictIndex == node.log.lastIndex() + 1, "conflict hint inside the committed prefix");
        node.sendAfterHardState(from, AppendEntriesResponse.reject(node.term, rejectedPrevIndex, conflictIndex, conflictTerm));
    }

    /** Acknowledges a match up to {@code matchIndex}, once everything we wrote is durable. */
    private void acknowledgeAppend(long from, long matchIndex) {
        Check.that(matchIndex <= node.log.lastIndex(), "acknowledging beyond the log");
        AppendEntriesResponse ack = AppendEntriesResponse.success(node.term, matchIndex);
        if (node.acknowledgeAppendBeforeSync()) {
            node.env.send(from, ack);
        } else {
            node.sendAfterAllWrites(from, ack);
        }
    }

    void onHeartbeat(long from, Heartbeat h) {
        if (node.isCatchingUp() && h.leaderCommit() > node.log.lastIndex()) {
            // The leader caps leaderCommit at what it believes we matched: more than our log holds, so it
            // counts acknowledgements this node gave before it lost its state. Tell it to start over.
            node.sendAfterHardState(from, AppendEntriesResponse.logLost(node.term, node.log.lastIndex()));
        }
        // The leader caps leaderCommit at our acknowledged (durable, matching) index, so it is safe to adopt.
        long newCommit = Math.min(h.leaderCommit(), node.log.lastIndex());
        if (newCommit > node.log.commitIndex()) {
            node.log.commitTo(newCommit);
            node.applyCommitted();
        }
        node.sendAfterHardState(from, new HeartbeatResponse(node.term, h.readContext()));
    }

    void onInstallSnapshot(long from, InstallSnapshot m) {
        Snapshot snapshot = snapshotReceiver.accept(m);
        if (snapshot == null) {
            node.sendAfterHardState(from, new InstallSnapshotResponse(node.term, m.snapshotIndex(),
                    snapshotReceiver.expectedOffset(m.snapshotIndex()), false));
            return;
        }
        if (snapshot.index() > node.log.commitIndex()) {
            node.log.install(snapshot);
            node.applier.restore(snapshot.data());
            Check.that(node.log.appliedIndex() == snapshot.index(), "installed snapshot not applied");
        }
        // Answer once durable; when we were already past it, our committed prefix covers it.
        node.sendAfterAllWrites(from, new InstallSnapshotResponse(node.term, snapshot.index(), m.totalBytes(), true));
    }
}
