package parley.kv;

import java.nio.ByteBuffer;
import java.util.Arrays;
import parley.core.Check;

/**
 * How {@link MvccStore} lays its state out in a {@code parley.engine.KvEngine}. Four key spaces, each
 * behind a one-byte prefix:
 * <pre>
 * L key                       -> record of the key's live version     (reads at the current revision)
 * K escaped(key) main sub     -> nothing                              (each key's changes, in revision order)
 * R main sub                  -> record of the change                 (history in revision order: watches, snapshots)
 * M "state"                   -> applied index, revision, compact revision, counters
 * record = type:u8 main:i64 sub:i64 createRevision:i64 version:i64 lease:i64
 *          previousMain:i64 previousSub:i64 previousValueLength:i32 keyLength:i32 key value
 * </pre>
 * A record names the key's version it replaced (previousMain -1: none; -2: not known, in records
 * loaded from a snapshot), so a compaction finds the version that survived the previous compaction
 * without walking the key's index backwards over deleted entries.
 * Numbers are big-endian, so byte order is numeric order for the non-negative revisions. A key in
 * the K space is escaped (0x00 becomes 0x00 0xff) and terminated by 0x00 0x01: a key is then never a
 * prefix of another's encoding, and the K space orders by key first, then revision.
 */
final class StoreLayout {
    static final byte LIVE = 'L';
    static final byte BY_KEY = 'K';
    static final byte BY_REVISION = 'R';
    static final byte META = 'M';
    private static final int RECORD_HEADER = 1 + 8 * 5 + 8 * 2 + 4 + 4;
    /** {@code previousMain} of a change that replaced no version. */
    static final long PREVIOUS_NONE = -1;
    /** {@code previousMain} of a change whose predecessor is not recorded (loaded from a snapshot). */
    static final long PREVIOUS_UNKNOWN = -2;
    private static final byte[] STATE_KEY = {META, 's', 't', 'a', 't', 'e'};

    private StoreLayout() {}

    /** The first key after every key starting with {@code prefix} (a one-byte prefix below 0xff). */
    static byte[] after(byte prefix) {
        return new byte[] {(byte) (prefix + 1)};
    }

    static byte[] prefixOnly(byte prefix) {
        return new byte[] {prefix};
    }

    // ---- L ----

    static byte[] liveKey(Bytes key) {
        return prefixed(LIVE, key.raw());
    }

    /** The user key of an L-space key. */
    static Bytes userKeyOfLive(byte[] liveKey) {
        return new Bytes(Arrays.copyOfRange(liveKey, 1, liveKey.length));
    }

    // ---- R ----

    static byte[] revisionKey(long main, long sub) {
        return ByteBuffer.allocate(17).put(BY_REVISION).putLong(main).putLong(sub).array();
    }

    static Revision revisionOfRevisionKey(byte[] key) {
        Check.that(key.length == 17 && key[0] == BY_REVISION, "an R-space key is 17 bytes");
        ByteBuffer in = ByteBuffer.wrap(key, 1, 16);
        return new Revision(in.getLong(), in.getLong());
    }

    // ---- K ----

    /** {@code K escaped(key) 0x00 0x01}: every change of {@code key} sorts after it, and before any other key's. */
    static byte[] keyIndexStart(Bytes key) {
        byte[] raw = key.raw();
        int zeros = 0;
        for (byte b : raw) if (b == 0) zeros++;
        byte[] out = new byte[1 + raw.length + zeros + 2];
        int at = 0;
        out[at++] = BY_KEY;
        for (byte b : raw) {
            out[at++] = b;
            if (b == 0) out[at++] = (byte) 0xff;
        }
        out[at++] = 0;
        out[at] = 1;
        return out;
    }

    /** The escaped key without its terminator: where a range of keys starting at {@code key} begins in the K space. */
    static byte[] keyIndexRangeBound(Bytes key) {
        byte[] start = keyIndexStart(key);
        return Arrays.copyOf(start, start.length - 2);
    }

    /** The K-space entry of {@code key}'s change at {@code main.sub}; {@code keyStart} is {@link #keyIndexStart}. */
    static byte[] keyIndexEntry(byte[] keyStart, long main, long sub) {
        return ByteBuffer.allocate(keyStart.length + 16).put(keyStart).putLong(main).putLong(sub).array();
    }

    /** The length of the escaped key with its terminator at the start of K-space entry {@code entry}. */
    static int keyPartLength(byte[] entry) {
        return entry.length - 16;
    }

    static Revision revisionOfKeyIndexEntry(byte[] entry) {
        ByteBuffer in = ByteBuffer.wrap(entry, entry.length - 16, 16);
        return new Revision(in.getLong(), in.getLong());
    }

    /** The smallest key greater than {@code key} (for "strictly after"). */
    static byte[] successor(byte[] key) {
        return Arrays.copyOf(key, key.length + 1);
    }

    // ---- records ----

    /** The record of {@code change}, which replaced the live version {@code previous} (null: none). */
    static byte[] record(Mutation change, Mutation previous) {
        return previous == null ? record(change, PREVIOUS_NONE, 0, 0) : record(change, previous.revision().main(),
                previous.revision().sub(), previous.kv().value().length());
    }

    /** The record of {@code change} with its predecessor given as numbers ({@link #PREVIOUS_UNKNOWN} allowed). */
    static byte[] record(Mutation change, long previousMain, long previousSub, int previousValueLength) {
        KeyValue kv = change.kv();
        byte[] key = kv.key().raw();
        byte[] value = kv.value().raw();
        return ByteBuffer.allocate(RECORD_HEADER + key.length + value.length)
                .put((byte) change.type().ordinal())
                .putLong(change.revision().main()).putLong(change.revision().sub())
                .putLong(kv.createRevision()).putLong(kv.version()).putLong(kv.lease())
                .putLong(previousMain).putLong(previousSub).putInt(previousValueLength)
                .putInt(key.length).put(key).put(value).array();
    }

    /** {@code previousMain} of a record: the main revision of the version it replaced, or a marker. */
    static long previousMain(byte[] record) {
        return ByteBuffer.wrap(record).getLong(1 + 8 * 5);
    }

    /** The revision of the version a record replaced; only when {@link #previousMain} is a revision. */
    static Revision previous(byte[] record) {
        ByteBuffer in = ByteBuffer.wrap(record);
        return new Revision(in.getLong(1 + 8 * 5), in.getLong(1 + 8 * 6));
    }

    /** The value length of the version a record replaced. */
    static int previousValueLength(byte[] record) {
        return ByteBuffer.wrap(record).getInt(1 + 8 * 7);
    }

    static Mutation mutation(byte[] record) {
        Check.that(record.length >= RECORD_HEADER, "a stored record holds its header (%d bytes)", record.length);
        ByteBuffer in = ByteBuffer.wrap(record);
        Event.Type type = Event.Type.values()[in.get()];
        long main = in.getLong();
        long sub = in.getLong();
        long createRevision = in.getLong();
        long version = in.getLong();
        long lease = in.getLong();
        in.position(in.position() + 8 + 8 + 4); // the predecessor, read by compaction alone
        int keyLength = in.getInt();
        Check.that(keyLength >= 0 && keyLength <= record.length - RECORD_HEADER, "a stored record's key fits in it");
        Bytes key = new Bytes(Arrays.copyOfRange(record, RECORD_HEADER, RECORD_HEADER + keyLength));
        Revision revision = new Revision(main, sub);
        if (type == Event.Type.DELETE) return new Mutation(revision, type, KeyValue.tombstone(key, main));
        Bytes value = new Bytes(Arrays.copyOfRange(record, RECORD_HEADER + keyLength, record.length));
        return new Mutation(revision, type, new KeyValue(key, createRevision, main, version, value, lease));
    }

    /** Key and value bytes a record carries (what quotas count), without decoding it. */
    static long payloadBytes(byte[] record) {
        return record.length - RECORD_HEADER;
    }

    // ---- M ----

    static byte[] stateKey() {
        return STATE_KEY.clone();
    }

    static byte[] state(long appliedIndex, long revision, long compactRevision, long storedBytes, long liveBytes,
            long liveKeys, long changes) {
        return ByteBuffer.allocate(56).putLong(appliedIndex).putLong(revision).putLong(compactRevision)
                .putLong(storedBytes).putLong(liveBytes).putLong(liveKeys).putLong(changes).array();
    }

    private static byte[] prefixed(byte prefix, byte[] raw) {
        byte[] out = new byte[raw.length + 1];
        out[0] = prefix;
        System.arraycopy(raw, 0, out, 1, raw.length);
        return out;
    }
}
