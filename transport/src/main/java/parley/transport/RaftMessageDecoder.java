package parley.transport;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import parley.raft.ClusterConfig;
import parley.raft.LogEntry;
import parley.raft.RaftMessage;
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
 * Decodes one {@link RaftMessage} in the layout documented on {@link RaftMessageCodec}. Field reads go
 * through a {@link WireReader}, so every failure is a {@link CodecException} naming the message and
 * field; domain checks of the records' constructors are translated the same way.
 */
final class RaftMessageDecoder {
    private final WireReader r;
    private final int entriesPerMessageMax;
    private final int configMembersMax;

    RaftMessageDecoder(WireReader reader, int entriesPerMessageMax, int configMembersMax) {
        this.r = reader;
        this.entriesPerMessageMax = entriesPerMessageMax;
        this.configMembersMax = configMembersMax;
    }

    RaftMessage decode() {
        r.begin("message");
        int tag = r.u8("tag");
        return switch (tag) {
            case RaftMessageCodec.TAG_PRE_VOTE -> {
                r.begin("PreVote");
                yield new PreVote(r.i64("term"), r.i64("lastLogIndex"), r.i64("lastLogTerm"));
            }
            case RaftMessageCodec.TAG_PRE_VOTE_RESPONSE -> {
                r.begin("PreVoteResponse");
                yield new PreVoteResponse(r.i64("term"), r.bool("granted"));
            }
            case RaftMessageCodec.TAG_REQUEST_VOTE -> {
                r.begin("RequestVote");
                yield new RequestVote(r.i64("term"), r.i64("lastLogIndex"), r.i64("lastLogTerm"),
                        r.bool("leadershipTransfer"));
            }
            case RaftMessageCodec.TAG_REQUEST_VOTE_RESPONSE -> {
                r.begin("RequestVoteResponse");
                yield new RequestVoteResponse(r.i64("term"), r.bool("granted"));
            }
            case RaftMessageCodec.TAG_APPEND_ENTRIES -> appendEntries();
            case RaftMessageCodec.TAG_APPEND_ENTRIES_RESPONSE -> {
                r.begin("AppendEntriesResponse");
                yield new AppendEntriesResponse(r.i64("term"), r.bool("success"), r.i64("matchIndex"),
                        r.i64("rejectedPrevIndex"), r.i64("conflictIndex"), r.i64("conflictTerm"), r.bool("logLost"));
            }
            case RaftMessageCodec.TAG_HEARTBEAT -> {
                r.begin("Heartbeat");
                yield new Heartbeat(r.i64("term"), r.i64("leaderCommit"), r.i64("readContext"), r.bool("quiesce"));
            }
            case RaftMessageCodec.TAG_HEARTBEAT_RESPONSE -> {
                r.begin("HeartbeatResponse");
                yield new HeartbeatResponse(r.i64("term"), r.i64("readContext"));
            }
            case RaftMessageCodec.TAG_INSTALL_SNAPSHOT -> installSnapshot();
            case RaftMessageCodec.TAG_INSTALL_SNAPSHOT_RESPONSE -> {
                r.begin("InstallSnapshotResponse");
                yield new InstallSnapshotResponse(r.i64("term"), r.i64("snapshotIndex"), r.i64("nextOffsetBytes"),
                        r.bool("installed"));
            }
            case RaftMessageCodec.TAG_TIMEOUT_NOW -> {
                r.begin("TimeoutNow");
                yield new TimeoutNow(r.i64("term"));
            }
            default -> throw r.error("tag", "unknown message tag " + tag);
        };
    }

    private AppendEntries appendEntries() {
        r.begin("AppendEntries");
        long term = r.i64("term");
        long prevLogIndex = r.i64("prevLogIndex");
        long prevLogTerm = r.i64("prevLogTerm");
        long leaderCommit = r.i64("leaderCommit");
        int count = r.count("entries", entriesPerMessageMax, RaftMessageCodec.ENTRY_HEADER_BYTES);
        List<LogEntry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            r.element("entries", i);
            entries.add(entry());
        }
        r.endElements();
        return new AppendEntries(term, prevLogIndex, prevLogTerm, entries, leaderCommit);
    }

    private LogEntry entry() {
        long term = r.i64("term");
        long index = r.i64("index");
        int kindCode = r.u8("kind");
        LogEntry.Kind kind = switch (kindCode) {
            case 0 -> LogEntry.Kind.NOOP;
            case 1 -> LogEntry.Kind.COMMAND;
            case 2 -> LogEntry.Kind.CONFIG;
            default -> throw r.error("kind", "unknown entry kind " + kindCode);
        };
        byte[] data = r.bytes("data", Integer.MAX_VALUE);
        if (term < 1) throw r.error("term", "must be >= 1, got " + term);
        if (index < 1) throw r.error("index", "must be >= 1, got " + index);
        return new LogEntry(term, index, kind, data);
    }

    private InstallSnapshot installSnapshot() {
        r.begin("InstallSnapshot");
        long term = r.i64("term");
        long snapshotIndex = r.i64("snapshotIndex");
        long snapshotTerm = r.i64("snapshotTerm");
        ClusterConfig config = config();
        long totalBytes = r.i64("totalBytes");
        long offsetBytes = r.i64("offsetBytes");
        boolean done = r.bool("done");
        byte[] chunk = r.bytes("chunk", Integer.MAX_VALUE);
        return new InstallSnapshot(term, snapshotIndex, snapshotTerm, config, totalBytes, offsetBytes, chunk, done);
    }

    private ClusterConfig config() {
        Set<Long> voters = idSet("config.voters");
        Set<Long> outgoing = idSet("config.votersOutgoing");
        Set<Long> learners = idSet("config.learners");
        for (long learner : learners) {
            if (voters.contains(learner)) throw r.error("config.learners", "node " + learner + " is also a voter");
        }
        return new ClusterConfig(voters, outgoing, learners);
    }

    private Set<Long> idSet(String field) {
        int count = r.count(field, configMembersMax, Long.BYTES);
        if (count == 0) return Collections.emptySet();
        TreeSet<Long> ids = new TreeSet<>();
        long previous = 0;
        for (int i = 0; i < count; i++) {
            long id = r.i64(field);
            if (i > 0 && id <= previous) throw r.error(field, "ids must be strictly ascending: " + id + " after " + previous);
            ids.add(id);
            previous = id;
        }
        return ids;
    }
}
