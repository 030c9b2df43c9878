package parley.wal;

import java.nio.ByteBuffer;
import parley.raft.HardState;
import parley.raft.LogEntry;

/**
 * Record types and payload codecs of {@link FileRaftStorage}; all big-endian.
 * <pre>
 * CHECKPOINT      (1) hardTerm u64, votedFor u64, snapshotIndex u64, snapshotTerm u64, lastIndex u64, flags u8
 * HARD_STATE      (2) term u64, votedFor u64, flags u8
 *                     flags: bit 0 set while the node catches up after starting without its state
 *                     (logs written before the flags existed lack the byte; read as 0)
 * ENTRY           (3) term u64, index u64, kind u8, data (rest of the payload)
 * TRUNCATE_AFTER  (4) index u64
 * SNAPSHOT_MARKER (5) index u64, term u64, keepsLog u8 (1 when the log continued through the snapshot)
 * </pre>
 */
final class RaftRecords {
    static final byte CHECKPOINT = 1;
    static final byte HARD_STATE = 2;
    static final byte ENTRY = 3;
    static final byte TRUNCATE_AFTER = 4;
    static final byte SNAPSHOT_MARKER = 5;

    static final int CHECKPOINT_BYTES = 41;
    static final int HARD_STATE_BYTES = 17;
    private static final int FLAG_CATCHING_UP = 1;
    static final int ENTRY_HEADER_BYTES = 17;
    static final int TRUNCATE_AFTER_BYTES = 8;
    static final int SNAPSHOT_MARKER_BYTES = 17;

    private static final LogEntry.Kind[] KINDS = LogEntry.Kind.values();

    /** The state a segment starts from: what recovery needs if every older segment is deleted. */
    record Checkpoint(HardState hardState, long snapshotIndex, long snapshotTerm, long lastIndex) {}

    /** A snapshot marker's content. */
    record Marker(long index, long term, boolean keepsLog) {}

    private RaftRecords() {}

    static WalRecord checkpoint(Checkpoint c) {
        return new WalRecord(CHECKPOINT, ByteBuffer.allocate(CHECKPOINT_BYTES).putLong(c.hardState().term())
                .putLong(c.hardState().votedFor()).putLong(c.snapshotIndex()).putLong(c.snapshotTerm()).putLong(c.lastIndex())
                .put(flags(c.hardState())).array());
    }

    static WalRecord hardState(HardState s) {
        return new WalRecord(HARD_STATE, ByteBuffer.allocate(HARD_STATE_BYTES).putLong(s.term()).putLong(s.votedFor()).put(flags(s)).array());
    }

    static WalRecord entry(LogEntry e) {
        return new WalRecord(ENTRY, ByteBuffer.allocate(ENTRY_HEADER_BYTES + e.data().length).putLong(e.term()).putLong(e.index())
                .put((byte) e.kind().ordinal()).put(e.data()).array());
    }

    static WalRecord truncateAfter(long index) {
        return new WalRecord(TRUNCATE_AFTER, ByteBuffer.allocate(TRUNCATE_AFTER_BYTES).putLong(index).array());
    }

    static WalRecord marker(Marker m) {
        return new WalRecord(SNAPSHOT_MARKER, ByteBuffer.allocate(SNAPSHOT_MARKER_BYTES).putLong(m.index()).putLong(m.term())
                .put((byte) (m.keepsLog() ? 1 : 0)).array());
    }

    static Checkpoint decodeCheckpoint(RecoveredRecord r) throws WalCorruptionException {
        ByteBuffer in = exactOrOld(r, "CHECKPOINT", CHECKPOINT_BYTES);
        long term = in.getLong();
        long votedFor = in.getLong();
        Checkpoint partial = new Checkpoint(HardState.INITIAL, in.getLong(), in.getLong(), in.getLong());
        return new Checkpoint(new HardState(term, votedFor, readFlags(r, in)), partial.snapshotIndex(), partial.snapshotTerm(), partial.lastIndex());
    }

    static HardState decodeHardState(RecoveredRecord r) throws WalCorruptionException {
        ByteBuffer in = exactOrOld(r, "HARD_STATE", HARD_STATE_BYTES);
        return new HardState(in.getLong(), in.getLong(), readFlags(r, in));
    }

    private static byte flags(HardState s) {
        return (byte) (s.catchingUp() ? FLAG_CATCHING_UP : 0);
    }

    /** The flags byte, when the record has one (records written before it existed end a byte earlier). */
    private static boolean readFlags(RecoveredRecord r, ByteBuffer in) throws WalCorruptionException {
        if (!in.hasRemaining()) return false;
        byte flags = in.get();
        if ((flags & ~FLAG_CATCHING_UP) != 0) throw r.corrupt("unknown hard state flags " + flags);
        return (flags & FLAG_CATCHING_UP) != 0;
    }

    /** The payload, which is {@code bytes} long, or one byte shorter when written before the flags byte existed. */
    private static ByteBuffer exactOrOld(RecoveredRecord r, String type, int bytes) throws WalCorruptionException {
        ByteBuffer in = r.payload().duplicate();
        if (in.remaining() != bytes && in.remaining() != bytes - 1) {
            throw r.corrupt(type + " payload is " + in.remaining() + " bytes, expected " + bytes);
        }
        return in;
    }

    static LogEntry decodeEntry(RecoveredRecord r) throws WalCorruptionException {
        ByteBuffer in = r.payload().duplicate();
        if (in.remaining() < ENTRY_HEADER_BYTES) throw r.corrupt("ENTRY payload of " + in.remaining() + " bytes is too short");
        long term = in.getLong();
        long index = in.getLong();
        int kind = in.get();
        if (kind < 0 || kind >= KINDS.length) throw r.corrupt("ENTRY of unknown kind " + kind);
        byte[] data = new byte[in.remaining()];
        in.get(data);
        if (term < 1 || index < 1) throw r.corrupt("ENTRY with term " + term + " and index " + index);
        return new LogEntry(term, index, KINDS[kind], data);
    }

    static long decodeTruncateAfter(RecoveredRecord r) throws WalCorruptionException {
        return exact(r, "TRUNCATE_AFTER", TRUNCATE_AFTER_BYTES).getLong();
    }

    static Marker decodeMarker(RecoveredRecord r) throws WalCorruptionException {
        ByteBuffer in = exact(r, "SNAPSHOT_MARKER", SNAPSHOT_MARKER_BYTES);
        long index = in.getLong();
        long term = in.getLong();
        byte keepsLog = in.get();
        if (keepsLog != 0 && keepsLog != 1) throw r.corrupt("SNAPSHOT_MARKER with keepsLog flag " + keepsLog);
        return new Marker(index, term, keepsLog == 1);
    }

    private static ByteBuffer exact(RecoveredRecord r, String type, int bytes) throws WalCorruptionException {
        ByteBuffer in = r.payload().duplicate();
        if (in.remaining() != bytes) throw r.corrupt(type + " payload is " + in.remaining() + " bytes, expected " + bytes);
        return in;
    }
}
