package parley.raft;

import java.util.List;

/**
 * The messages Raft nodes exchange. Each carries the sender's term; the sender's id travels beside
 * the message ({@code RaftNode.onMessage(from, message)}). Heartbeats are a message of their own
 * rather than empty appends, so that they never probe a follower's log and can carry the
 * read-confirmation round of ReadIndex. The {@code toString} forms are compact, for traces.
 */
public sealed interface RaftMessage {
    /** The sender's term (for a pre-vote: the term the sender would campaign in). */
    long term();

    /** Would you vote for me in {@code term} (= my term + 1)? Sent before incrementing the term. */
    record PreVote(long term, long lastLogIndex, long lastLogTerm) implements RaftMessage {
        @Override public String toString() {
            return "PreVote{t=" + term + " last=" + lastLogIndex + "/" + lastLogTerm + "}";
        }
    }

    /** Answer to a pre-vote: when granted, {@code term} echoes the proposed term; else the voter's term. */
    record PreVoteResponse(long term, boolean granted) implements RaftMessage {
        @Override public String toString() {
            return "PreVoteResponse{t=" + term + (granted ? " granted" : " rejected") + "}";
        }
    }

    /**
     * Vote for me in {@code term}. {@code leadershipTransfer} is set when the current leader asked the
     * candidate to campaign (TimeoutNow), which lets voters that still hear from that leader grant it.
     */
    record RequestVote(long term, long lastLogIndex, long lastLogTerm, boolean leadershipTransfer) implements RaftMessage {
        @Override public String toString() {
            return "RequestVote{t=" + term + " last=" + lastLogIndex + "/" + lastLogTerm
                    + (leadershipTransfer ? " transfer" : "") + "}";
        }
    }

    /** Answer to a vote request; sent only once the vote is durable. */
    record RequestVoteResponse(long term, boolean granted) implements RaftMessage {
        @Override public String toString() {
            return "RequestVoteResponse{t=" + term + (granted ? " granted" : " rejected") + "}";
        }
    }

    /**
     * Append {@code entries} after the entry at {@code prevLogIndex} whose term must be
     * {@code prevLogTerm}; the leader has committed up to {@code leaderCommit}.
     */
    record AppendEntries(long term, long prevLogIndex, long prevLogTerm, List<LogEntry> entries, long leaderCommit)
            implements RaftMessage {
        public AppendEntries {
            entries = List.copyOf(entries);
        }

        /** Index of the last entry carried, or {@code prevLogIndex} when empty. */
        public long lastIndex() {
            return prevLogIndex + entries.size();
        }

        @Override public String toString() {
            return "AppendEntries{t=" + term + " prev=" + prevLogIndex + "/" + prevLogTerm + " n=" + entries.size()
                    + " commit=" + leaderCommit + "}";
        }
    }

    /**
     * Answer to {@link AppendEntries}. On success, {@code matchIndex} is the last index known to match
     * the leader's log, and it is durable on the follower. On rejection, {@code rejectedPrevIndex} is
     * the {@code prevLogIndex} that did not match, and the conflict hint lets the leader skip a whole
     * term at a time: {@code conflictTerm} is the follower's term at that index (0 when its log is
     * shorter) and {@code conflictIndex} the first index the follower holds of that term (or its last
     * index + 1 when shorter).
     */
    record AppendEntriesResponse(long term, boolean success, long matchIndex, long rejectedPrevIndex,
                                 long conflictIndex, long conflictTerm, boolean logLost) implements RaftMessage {
        public AppendEntriesResponse(long term, boolean success, long matchIndex, long rejectedPrevIndex,
                                     long conflictIndex, long conflictTerm) {
            this(term, success, matchIndex, rejectedPrevIndex, conflictIndex, conflictTerm, false);
        }

        static AppendEntriesResponse success(long term, long matchIndex) {
            return new AppendEntriesResponse(term, true, matchIndex, 0, 0, 0);
        }

        /**
         * A follower that lost its state (see {@link RaftNode#join}) tells the leader that its log ends
         * at {@code lastIndex}, below what the leader believes it matched: the leader must replicate
         * from there again.
         */
        static AppendEntriesResponse logLost(long term, long lastIndex) {
            return new AppendEntriesResponse(term, false, 0, 0, lastIndex + 1, 0, true);
        }

        static AppendEntriesResponse reject(long term, long rejectedPrevIndex, long conflictIndex, long conflictTerm) {
            return new AppendEntriesResponse(term, false, 0, rejectedPrevIndex, conflictIndex, conflictTerm);
        }

        @Override public String toString() {
            if (logLost) return "AppendEntriesResponse{t=" + term + " log lost, last=" + (conflictIndex - 1) + "}";
            return success
                    ? "AppendEntriesResponse{t=" + term + " ok match=" + matchIndex + "}"
                    : "AppendEntriesResponse{t=" + term + " reject prev=" + rejectedPrevIndex
                            + " conflict=" + conflictIndex + "/" + conflictTerm + "}";
        }
    }

    /**
     * I am still the leader of {@code term}. {@code leaderCommit} is capped at what the follower is
     * known to hold; {@code readContext} is the leader's confirmation round (ReadIndex, leases).
     */
    record Heartbeat(long term, long leaderCommit, long readContext, boolean quiesce) implements RaftMessage {
        /** An ordinary heartbeat (the group stays awake). */
        public Heartbeat(long term, long leaderCommit, long readContext) {
            this(term, leaderCommit, readContext, false);
        }

        @Override public String toString() {
            return "Heartbeat{t=" + term + " commit=" + leaderCommit + " ctx=" + readContext + (quiesce ? " quiesce" : "") + "}";
        }
    }

    /** Answer to a heartbeat, echoing its round. */
    record HeartbeatResponse(long term, long readContext) implements RaftMessage {
        @Override public String toString() {
            return "HeartbeatResponse{t=" + term + " ctx=" + readContext + "}";
        }
    }

    /**
     * One chunk of a snapshot for a follower whose needed entries have been compacted away.
     * {@code chunk} holds bytes [{@code offsetBytes}, offsetBytes + chunk.length) of
     * {@code totalBytes}; {@code done} marks the last chunk.
     */
    record InstallSnapshot(long term, long snapshotIndex, long snapshotTerm, ClusterConfig config, long totalBytes,
                           long offsetBytes, byte[] chunk, boolean done) implements RaftMessage {
        @Override public String toString() {
            return "InstallSnapshot{t=" + term + " snap=" + snapshotIndex + "/" + snapshotTerm + " off=" + offsetBytes
                    + " len=" + chunk.length + "/" + totalBytes + (done ? " done" : "") + "}";
        }
    }

    /**
     * Answer to a snapshot chunk: the offset expected next, or {@code installed} once the snapshot
     * (or a later state) is durable on the follower.
     */
    record InstallSnapshotResponse(long term, long snapshotIndex, long nextOffsetBytes, boolean installed)
            implements RaftMessage {
        @Override public String toString() {
            return "InstallSnapshotResponse{t=" + term + " snap=" + snapshotIndex
                    + (installed ? " installed" : " next=" + nextOffsetBytes) + "}";
        }
    }

    /** Leadership transfer: campaign now, without waiting for the election timeout or pre-voting. */
    record TimeoutNow(long term) implements RaftMessage {
        @Override public String toString() {
            return "TimeoutNow{t=" + term + "}";
        }
    }
}
