package parley.wal;

/**
 * One record to append: a type byte (1..255, chosen by the log's user) and an opaque payload.
 *
 * @param type    what the payload is; 0 is reserved (zeroed disk space must never look like a record)
 * @param payload the bytes; not copied, so do not mutate them after appending
 */
public record WalRecord(byte type, byte[] payload) {
    public WalRecord {
        if (type == 0) throw new IllegalArgumentException("record type 0 is reserved");
        if (payload == null) throw new IllegalArgumentException("payload is required");
    }

    /** Bytes this record takes on disk, frame included. */
    public int frameBytes() {
        return RecordFrame.frameBytes(payload.length);
    }
}
