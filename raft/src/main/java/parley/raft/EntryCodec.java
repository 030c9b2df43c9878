package parley.raft;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import parley.core.Check;

/**
 * Encodes what Raft itself reads out of log entries: the cluster configuration of a CONFIG entry and
 * the session header of a COMMAND entry ({@code clientId}, {@code sequence}, then the user command).
 * Big-endian, fixed layout; these bytes are replicated, so the layout must never change silently.
 */
final class EntryCodec {
    static final int COMMAND_HEADER_BYTES = 16;
    private static final int MAX_CONFIG_MEMBERS = 10_000;

    private EntryCodec() {}

    /** A decoded COMMAND entry payload. */
    record Command(long clientId, long sequence, byte[] payload) {}

    static byte[] encodeCommand(long clientId, long sequence, byte[] payload) {
        Check.that(clientId >= 0, "clientId must be >= 0: %d", clientId);
        Check.that(payload != null, "command payload must not be null");
        ByteBuffer buf = ByteBuffer.allocate(COMMAND_HEADER_BYTES + payload.length);
        buf.putLong(clientId).putLong(sequence).put(payload);
        return buf.array();
    }

    static Command decodeCommand(byte[] data) {
        Check.that(data.length >= COMMAND_HEADER_BYTES, "COMMAND entry shorter than its session header: %d", data.length);
        ByteBuffer buf = ByteBuffer.wrap(data);
        long clientId = buf.getLong();
        long sequence = buf.getLong();
        return new Command(clientId, sequence, Arrays.copyOfRange(data, COMMAND_HEADER_BYTES, data.length));
    }

    static byte[] encodeConfig(ClusterConfig config) {
        int count = config.voters().size() + config.votersOutgoing().size() + config.learners().size();
        ByteBuffer buf = ByteBuffer.allocate(12 + 8 * count);
        putSet(buf, config.voters());
        putSet(buf, config.votersOutgoing());
        putSet(buf, config.learners());
        Check.that(!buf.hasRemaining(), "config encoding size mismatch");
        return buf.array();
    }

    static ClusterConfig decodeConfig(byte[] data) {
        ByteBuffer buf = ByteBuffer.wrap(data);
        Set<Long> voters = getSet(buf);
        Set<Long> outgoing = getSet(buf);
        Set<Long> learners = getSet(buf);
        Check.that(!buf.hasRemaining(), "trailing bytes after a CONFIG entry");
        return new ClusterConfig(voters, outgoing, learners);
    }

    private static void putSet(ByteBuffer buf, Set<Long> ids) {
        buf.putInt(ids.size());
        for (long id : ids) buf.putLong(id); // ids are sorted: ClusterConfig keeps sorted sets
    }

    private static Set<Long> getSet(ByteBuffer buf) {
        int n = buf.getInt();
        Check.that(n >= 0 && n <= MAX_CONFIG_MEMBERS, "implausible member count in CONFIG entry: %d", n);
        TreeSet<Long> ids = new TreeSet<>();
        for (int i = 0; i < n; i++) ids.add(buf.getLong());
        return ids;
    }
}
