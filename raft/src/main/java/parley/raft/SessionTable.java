package parley.raft;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;
import parley.core.Check;

/**
 * Client sessions (dissertation 6.3): for each client, the last sequence applied and its result, so
 * that a retried command (same client, same sequence) is answered from the cache instead of being
 * applied twice. The table is replicated state: every replica applies the same entries, evicts the
 * same sessions (the least recently used, by log index) and snapshots the table with the state
 * machine. A client whose session was evicted is treated as new, so a retry older than the table's
 * memory could apply twice: keep {@code maxSessions} well above the number of active clients.
 */
final class SessionTable {
    /** What the table says about an incoming (clientId, sequence). */
    enum Verdict { NEW, DUPLICATE, STALE }

    private record Session(long lastSequence, byte[] lastResult, long lastIndex) {}

    private final int maxSessions;
    private final TreeMap<Long, Session> byClient = new TreeMap<>();
    /** lastIndex -> clientId: eviction order. Each log index belongs to at most one client. */
    private final TreeMap<Long, Long> byLastIndex = new TreeMap<>();

    SessionTable(int maxSessions) {
        Check.that(maxSessions > 0, "maxSessions must be positive");
        this.maxSessions = maxSessions;
    }

    Verdict check(long clientId, long sequence) {
        Check.that(clientId != 0, "client 0 has no session");
        Session s = byClient.get(clientId);
        if (s == null || sequence > s.lastSequence) return Verdict.NEW;
        return sequence == s.lastSequence ? Verdict.DUPLICATE : Verdict.STALE;
    }

    byte[] cachedResult(long clientId) {
        Session s = byClient.get(clientId);
        Check.that(s != null, "no session for client %d", clientId);
        return s.lastResult;
    }

    /** Records that {@code sequence} of {@code clientId} was applied (or re-answered) at {@code index}. */
    void record(long clientId, long sequence, byte[] result, long index) {
        Session old = byClient.get(clientId);
        Check.that(old == null || sequence >= old.lastSequence, "session sequence went backwards for client %d", clientId);
        Check.that(old == null || index > old.lastIndex, "session index went backwards for client %d", clientId);
        if (old != null) byLastIndex.remove(old.lastIndex);
        byClient.put(clientId, new Session(sequence, result, index));
        byLastIndex.put(index, clientId);
        while (byClient.size() > maxSessions) {
            Map.Entry<Long, Long> oldest = byLastIndex.pollFirstEntry();
            byClient.remove(oldest.getValue());
        }
        Check.that(byClient.size() == byLastIndex.size(), "session indexes out of step");
    }

    int size() {
        return byClient.size();
    }

    byte[] encode() {
        int bytes = 4;
        for (Session s : byClient.values()) bytes += 8 + 8 + 8 + 4 + s.lastResult.length;
        ByteBuffer buf = ByteBuffer.allocate(bytes);
        buf.putInt(byClient.size());
        for (Map.Entry<Long, Session> e : byClient.entrySet()) {
            Session s = e.getValue();
            buf.putLong(e.getKey()).putLong(s.lastSequence).putLong(s.lastIndex).putInt(s.lastResult.length).put(s.lastResult);
        }
        Check.that(!buf.hasRemaining(), "session encoding size mismatch");
        return buf.array();
    }

    static SessionTable decode(byte[] data, int maxSessions) {
        SessionTable table = new SessionTable(maxSessions);
        if (data.length == 0) return table;
        ByteBuffer buf = ByteBuffer.wrap(data);
        int n = buf.getInt();
        Check.that(n >= 0, "negative session count");
        for (int i = 0; i < n; i++) {
            long clientId = buf.getLong();
            long sequence = buf.getLong();
            long lastIndex = buf.getLong();
            int len = buf.getInt();
            Check.that(len >= 0 && len <= buf.remaining(), "session result length out of range");
            byte[] result = new byte[len];
            buf.get(result);
            table.byClient.put(clientId, new Session(sequence, result, lastIndex));
            table.byLastIndex.put(lastIndex, clientId);
        }
        Check.that(!buf.hasRemaining(), "trailing bytes after session table");
        while (table.byClient.size() > maxSessions) {
            table.byClient.remove(table.byLastIndex.pollFirstEntry().getValue());
        }
        return table;
    }
}
