package parley.raft;

import java.nio.ByteBuffer;
import java.util.Arrays;
import parley.core.Check;

/**
 * The layout of {@link Snapshot#data()}: the client session table next to the state machine's own
 * snapshot, so that deduplication survives compaction and snapshot installs.
 * Layout: magic (int), session bytes length (int), session bytes, state machine bytes.
 */
final class SnapshotCodec {
    private static final int MAGIC = 0x52534e31; // "RSN1"

    private SnapshotCodec() {}

    /** The two halves of a snapshot's data. */
    record Parts(byte[] sessions, byte[] stateMachine) {}

    static byte[] encode(byte[] sessions, byte[] stateMachine) {
        ByteBuffer buf = ByteBuffer.allocate(8 + sessions.length + stateMachine.length);
        buf.putInt(MAGIC).putInt(sessions.length).put(sessions).put(stateMachine);
        return buf.array();
    }

    static Parts decode(byte[] data) {
        Check.that(data.length >= 8, "snapshot data shorter than its header: %d bytes", data.length);
        ByteBuffer buf = ByteBuffer.wrap(data);
        Check.that(buf.getInt() == MAGIC, "snapshot data has a bad magic number");
        int sessionBytes = buf.getInt();
        Check.that(sessionBytes >= 0 && sessionBytes <= data.length - 8, "snapshot session length out of range: %d", sessionBytes);
        byte[] sessions = Arrays.copyOfRange(data, 8, 8 + sessionBytes);
        byte[] stateMachine = Arrays.copyOfRange(data, 8 + sessionBytes, data.length);
        return new Parts(sessions, stateMachine);
    }
}
