package parley.transport;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import java.util.Set;
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
 * The binary encoding of {@link RaftMessage}, version {@value #VERSION}. Big-endian, fixed-width, no
 * field names and no padding: one tag byte naming the record type, then its fields in declaration
 * order. {@code i64} is a signed 64-bit integer, {@code bool} one byte that must be 0 or 1,
 * {@code u32} an unsigned count or length.
 *
 * <pre>
 * tag  type                     fields after the tag
 *  1   PreVote                  term i64, lastLogIndex i64, lastLogTerm i64
 *  2   PreVoteResponse          term i64, granted bool
 *  3   RequestVote              term i64, lastLogIndex i64, lastLogTerm i64, leadershipTransfer bool
 *  4   RequestVoteResponse      term i64, granted bool
 *  5   AppendEntries            term i64, prevLogIndex i64, prevLogTerm i64, leaderCommit i64,
 *                               entryCount u32, entry * entryCount
 *        entry                  term i64, index i64, kind u8 (0 NOOP, 1 COMMAND, 2 CONFIG),
 *                               dataLength u32, data
 *  6   AppendEntriesResponse    term i64, success bool, matchIndex i64, rejectedPrevIndex i64,
 *                               conflictIndex i64, conflictTerm i64, logLost bool
 *  7   Heartbeat                term i64, leaderCommit i64, readContext i64, quiesce bool
 *  8   HeartbeatResponse        term i64, readContext i64
 *  9   InstallSnapshot          term i64, snapshotIndex i64, snapshotTerm i64, config,
 *                               totalBytes i64, offsetBytes i64, done bool, chunkLength u32, chunk
 *        config                 voters set, votersOutgoing set, learners set
 *        set                    count u32, ids i64 * count in strictly ascending order
 * 10   InstallSnapshotResponse  term i64, snapshotIndex i64, nextOffsetBytes i64, installed bool
 * 11   TimeoutNow               term i64
 * </pre>
 *
 * <p>Tags are never reused; a new message type takes a new tag, and any change to an existing layout
 * bumps {@link #VERSION}, which peers compare in their handshake. Decoding is strict: unknown tags,
 * truncated fields, non-0/1 booleans, unknown entry kinds, unsorted member sets, counts above the
 * configured limits and lengths longer than the remaining input all throw {@link CodecException}.
 * Instances are immutable and thread-safe.
 */
public final class RaftMessageCodec implements MessageCodec<RaftMessage> {
    /** Layout version of this encoding. */
    public static final int VERSION = 3; // 2: heartbeats carry the quiesce flag; 3: append responses the log-lost flag

    static final int TAG_PRE_VOTE = 1;
    static final int TAG_PRE_VOTE_RESPONSE = 2;
    static final int TAG_REQUEST_VOTE = 3;
    static final int TAG_REQUEST_VOTE_RESPONSE = 4;
    static final int TAG_APPEND_ENTRIES = 5;
    static final int TAG_APPEND_ENTRIES_RESPONSE = 6;
    static final int TAG_HEARTBEAT = 7;
    static final int TAG_HEARTBEAT_RESPONSE = 8;
    static final int TAG_INSTALL_SNAPSHOT = 9;
    static final int TAG_INSTALL_SNAPSHOT_RESPONSE = 10;
    static final int TAG_TIMEOUT_NOW = 11;

    /** Bytes of one log entry before its data: term, index, kind, data length. */
    static final int ENTRY_HEADER_BYTES = 8 + 8 + 1 + 4;
    /** The smallest message: TimeoutNow, a tag and a term. */
    static final int MESSAGE_BYTES_MIN = 1 + 8;

    private static final int ENTRIES_PER_MESSAGE_MAX_DEFAULT = 10_000;
    private static final int CONFIG_MEMBERS_MAX_DEFAULT = 10_000;

    private final int entriesPerMessageMax;
    private final int configMembersMax;

    /**
     * @param entriesPerMessageMax the most log entries one AppendEntries may carry when decoded
     * @param configMembersMax     the most ids one member set of a snapshot's configuration may hold
     */
    public RaftMessageCodec(int entriesPerMessageMax, int configMembersMax) {
        if (entriesPerMessageMax < 1) throw new IllegalArgumentException("entriesPerMessageMax must be >= 1");
        if (configMembersMax < 1) throw new IllegalArgumentException("configMembersMax must be >= 1");
        this.entriesPerMessageMax = entriesPerMessageMax;
        this.configMembersMax = configMembersMax;
    }

    /** A codec with generous limits: 10,000 entries per message and 10,000 ids per member set. */
    public static RaftMessageCodec withDefaultLimits() {
        return new RaftMessageCodec(ENTRIES_PER_MESSAGE_MAX_DEFAULT, CONFIG_MEMBERS_MAX_DEFAULT);
    }

    public int entriesPerMessageMax() {
        return entriesPerMessageMax;
    }

    public int configMembersMax() {
        return configMembersMax;
    }

    @Override
    public int version() {
        return VERSION;
    }

    @Override
    public int encodedSizeBytesMin() {
        return MESSAGE_BYTES_MIN;
    }

    @Override
    public int encodedSizeBytes(RaftMessage message) {
        return 1 + switch (message) {
            case PreVote m -> 24;
            case PreVoteResponse m -> 9;
            case RequestVote m -> 25;
            case RequestVoteResponse m -> 9;
            case AppendEntries m -> 36 + entriesSizeBytes(m);
            case AppendEntriesResponse m -> 42;
            case Heartbeat m -> 25;
            case HeartbeatResponse m -> 16;
            case InstallSnapshot m -> 24 + configSizeBytes(m.config()) + 17 + 4 + m.chunk().length;
            case InstallSnapshotResponse m -> 25;
            case TimeoutNow m -> 8;
        };
    }

    @Override
    public void encode(RaftMessage message, ByteBuf out) {
        switch (message) {
            case PreVote m -> out.writeByte(TAG_PRE_VOTE)
                    .writeLong(m.term()).writeLong(m.lastLogIndex()).writeLong(m.lastLogTerm());
            case PreVoteResponse m -> out.writeByte(TAG_PRE_VOTE_RESPONSE)
                    .writeLong(m.term()).writeBoolean(m.granted());
            case RequestVote m -> out.writeByte(TAG_REQUEST_VOTE)
                    .writeLong(m.term()).writeLong(m.lastLogIndex()).writeLong(m.lastLogTerm())
                    .writeBoolean(m.leadershipTransfer());
            case RequestVoteResponse m -> out.writeByte(TAG_REQUEST_VOTE_RESPONSE)
                    .writeLong(m.term()).writeBoolean(m.granted());
            case AppendEntries m -> encodeAppendEntries(m, out);
            case AppendEntriesResponse m -> out.writeByte(TAG_APPEND_ENTRIES_RESPONSE)
                    .writeLong(m.term()).writeBoolean(m.success()).writeLong(m.matchIndex())
                    .writeLong(m.rejectedPrevIndex()).writeLong(m.conflictIndex()).writeLong(m.conflictTerm())
                    .writeBoolean(m.logLost());
            case Heartbeat m -> out.writeByte(TAG_HEARTBEAT)
                    .writeLong(m.term()).writeLong(m.leaderCommit()).writeLong(m.readContext()).writeBoolean(m.quiesce());
            case HeartbeatResponse m -> out.writeByte(TAG_HEARTBEAT_RESPONSE)
                    .writeLong(m.term()).writeLong(m.readContext());
            case InstallSnapshot m -> encodeInstallSnapshot(m, out);
            case InstallSnapshotResponse m -> out.writeByte(TAG_INSTALL_SNAPSHOT_RESPONSE)
                    .writeLong(m.term()).writeLong(m.snapshotIndex()).writeLong(m.nextOffsetBytes())
                    .writeBoolean(m.installed());
            case TimeoutNow m -> out.writeByte(TAG_TIMEOUT_NOW).writeLong(m.term());
        }
    }

    @Override
    public RaftMessage decode(ByteBuf in) {
        return new RaftMessageDecoder(new WireReader(in), entriesPerMessageMax, configMembersMax).decode();
    }

    /** Encodes {@code message} into a new array of exactly {@link #encodedSizeBytes} bytes. */
    public byte[] encodeToArray(RaftMessage message) {
        byte[] bytes = new byte[encodedSizeBytes(message)];
        ByteBuf out = Unpooled.wrappedBuffer(bytes);
        out.writerIndex(0);
        encode(message, out);
        if (out.writerIndex() != bytes.length) {
            throw new IllegalStateException("encodedSizeBytes disagrees with encode for " + message);
        }
        return bytes;
    }

    /** Decodes exactly one message that must fill all of {@code bytes}. */
    public RaftMessage decodeArray(byte[] bytes) {
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        WireReader reader = new WireReader(in);
        RaftMessage message = new RaftMessageDecoder(reader, entriesPerMessageMax, configMembersMax).decode();
        reader.end();
        return message;
    }

    private void encodeAppendEntries(AppendEntries m, ByteBuf out) {
        out.writeByte(TAG_APPEND_ENTRIES).writeLong(m.term()).writeLong(m.prevLogIndex()).writeLong(m.prevLogTerm())
                .writeLong(m.leaderCommit()).writeInt(m.entries().size());
        for (LogEntry entry : m.entries()) {
            out.writeLong(entry.term()).writeLong(entry.index()).writeByte(kindCode(entry.kind()))
                    .writeInt(entry.data().length).writeBytes(entry.data());
        }
    }

    private static void encodeInstallSnapshot(InstallSnapshot m, ByteBuf out) {
        out.writeByte(TAG_INSTALL_SNAPSHOT).writeLong(m.term()).writeLong(m.snapshotIndex()).writeLong(m.snapshotTerm());
        writeSet(m.config().voters(), out);
        writeSet(m.config().votersOutgoing(), out);
        writeSet(m.config().learners(), out);
        out.writeLong(m.totalBytes()).writeLong(m.offsetBytes()).writeBoolean(m.done())
                .writeInt(m.chunk().length).writeBytes(m.chunk());
    }

    private static void writeSet(Set<Long> ids, ByteBuf out) {
        out.writeInt(ids.size());
        for (long id : ids) out.writeLong(id); // ClusterConfig keeps its sets sorted
    }

    private static int entriesSizeBytes(AppendEntries m) {
        int bytes = 0;
        for (LogEntry entry : m.entries()) bytes += ENTRY_HEADER_BYTES + entry.data().length;
        return bytes;
    }

    private static int configSizeBytes(ClusterConfig config) {
        int ids = config.voters().size() + config.votersOutgoing().size() + config.learners().size();
        return 3 * 4 + ids * 8;
    }

    static int kindCode(LogEntry.Kind kind) {
        return switch (kind) {
            case NOOP -> 0;
            case COMMAND -> 1;
            case CONFIG -> 2;
        };
    }
}
