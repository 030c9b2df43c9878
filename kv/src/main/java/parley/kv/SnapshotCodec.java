package parley.kv;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The snapshot format: everything replicated, and nothing else (watches and lease deadlines are
 * local and stay out). Identical states give identical bytes, because every collection is written
 * in a fixed order: leases by id, changes by revision.
 *
 * <pre>
 * "PKVS" version:u8 appliedIndex state crc32c:u32   (crc over all bytes before it)
 * state = revision compactRevision leaseIdNext
 *         leaseCount (id ttlSeconds)*
 *         changeCount (main sub type:u8 key [createRevision version value lease if PUT])*
 * </pre>
 *
 * Lease attachments are not written: they are the live keys that name a lease, rebuilt on restore.
 */
final class SnapshotCodec {
    private static final byte[] MAGIC = {'P', 'K', 'V', 'S'};
    private static final int FORMAT_VERSION = 1;

    private SnapshotCodec() {}

    /** The decoded content of a snapshot, checked for consistency. */
    record Content(long appliedIndex, long revision, long compactRevision, long leaseIdNext,
            TreeMap<Long, Long> leaseTtls, List<Mutation> changes) {}

    /**
     * The snapshot's bytes. The buffer is sized once from the store's counters (an upper bound: every
     * number takes at most 10 bytes, a length at most 5), so a large state is copied once, into the
     * returned array, instead of through a chain of doubling buffers.
     */
    static byte[] encode(long appliedIndex, MvccStore store, LeaseTable leases) {
        long bound = 128 + 20L * leases.ttlsById().size() + store.storedBytes() + CHANGE_OVERHEAD_BYTES_MAX * store.historySize();
        WireWriter out = new WireWriter((int) Math.min(bound, Integer.MAX_VALUE - 16L));
        for (byte b : MAGIC) {
            out.writeByte(b);
        }
        out.writeByte(FORMAT_VERSION);
        out.writeLong(appliedIndex);
        writeState(out, store, leases);
        int checksum = out.crc32c();
        for (int i = 0; i < 4; i++) {
            out.writeByte(checksum >>> (24 - 8 * i));
        }
        return out.toByteArray();
    }

    /** The most bytes one change adds to a snapshot besides its key and value: six numbers, a type, two lengths. */
    private static final long CHANGE_OVERHEAD_BYTES_MAX = 6 * 10 + 1 + 2 * 5;

    /** The replicated state alone, in the snapshot's layout; also what {@link KvStateMachine#hash} covers. */
    static void writeState(WireWriter out, MvccStore store, LeaseTable leases) {
        out.writeLong(store.revision());
        out.writeLong(store.compactRevision());
        out.writeLong(leases.idNext());
        TreeMap<Long, Long> ttls = leases.ttlsById();
        out.writeLong(ttls.size());
        for (Map.Entry<Long, Long> lease : ttls.entrySet()) {
            out.writeLong(lease.getKey());
            out.writeLong(lease.getValue());
        }
        out.writeLong(store.historySize());
        store.forEachChange(change -> {
            out.writeLong(change.revision().main());
            out.writeLong(change.revision().sub());
            out.writeByte(change.type().ordinal());
            out.writeBytes(change.kv().key());
            if (change.isPut()) {
                out.writeLong(change.kv().createRevision());
                out.writeLong(change.kv().version());
                out.writeBytes(change.kv().value());
                out.writeLong(change.kv().lease());
            }
        });
    }

    static Content decode(byte[] snapshot) {
        if (snapshot == null || snapshot.length < MAGIC.length + 1 + 4) {
            throw new IllegalArgumentException("malformed kv snapshot: too short");
        }
        int bodyLength = snapshot.length - 4;
        CRC32C crc = new CRC32C();
        crc.update(snapshot, 0, bodyLength);
        int stored = 0;
        for (int i = 0; i < 4; i++) {
            stored = (stored << 8) | (snapshot[bodyLength + i] & 0xff);
        }
        if (stored != (int) crc.getValue()) {
            throw new IllegalArgumentException("malformed kv snapshot: checksum mismatch (corrupt or torn)");
        }
        byte[] body = new byte[bodyLength];
        System.arraycopy(snapshot, 0, body, 0, bodyLength);
        WireReader in = new WireReader(body, "kv snapshot");
        for (byte b : MAGIC) {
            if (in.readByte() != b) {
                throw in.malformed("not a kv snapshot (bad magic)");
            }
        }
        int version = in.readByte();
        if (version != FORMAT_VERSION) {
            throw in.malformed("format version " + version + ", expected " + FORMAT_VERSION);
        }
        Content content = readContent(in);
        in.expectEnd();
        return content;
    }

    private static Content readContent(WireReader in) {
        long appliedIndex = in.readLong(0, Long.MAX_VALUE, "applied index");
        long revision = in.readLong(MvccStore.REVISION_INITIAL, Long.MAX_VALUE, "revision");
        long compactRevision = in.readLong(0, revision, "compact revision");
        long leaseIdNext = in.readLong(1, Long.MAX_VALUE, "lease id next");
        TreeMap<Long, Long> leaseTtls = new TreeMap<>();
        int leaseCount = in.readCount("lease");
        for (int i = 0; i < leaseCount; i++) {
            // Ascending, any id but 0 (clients may name negative ones, as in etcd).
            if (!leaseTtls.isEmpty() && leaseTtls.lastKey() == Long.MAX_VALUE) throw in.malformed("a lease id after " + Long.MAX_VALUE);
            long id = in.readLong(leaseTtls.isEmpty() ? Long.MIN_VALUE : leaseTtls.lastKey() + 1, Long.MAX_VALUE, "lease id");
            if (id == 0) throw in.malformed("lease id 0, which names no lease");
            leaseTtls.put(id, in.readLong(1, Long.MAX_VALUE, "lease ttl"));
        }
        int changeCount = in.readCount("change");
        List<Mutation> changes = new ArrayList<>(changeCount);
        for (int i = 0; i < changeCount; i++) {
            Mutation change = readChange(in, revision, leaseTtls);
            if (!changes.isEmpty() && changes.get(changes.size() - 1).revision().compareTo(change.revision()) >= 0) {
                throw in.malformed("changes out of revision order at " + change.revision());
            }
            changes.add(change);
        }
        return new Content(appliedIndex, revision, compactRevision, leaseIdNext, leaseTtls, changes);
    }

    private static Mutation readChange(WireReader in, long revision, TreeMap<Long, Long> leaseTtls) {
        long main = in.readLong(MvccStore.REVISION_INITIAL + 1, revision, "change revision");
        long sub = in.readLong(0, Long.MAX_VALUE, "change sub-revision");
        Event.Type type = in.readEnum(Event.Type.values(), "change type");
        Bytes key = in.readBytes();
        if (key.isEmpty()) {
            throw in.malformed("empty key");
        }
        if (type == Event.Type.DELETE) {
            return new Mutation(new Revision(main, sub), type, KeyValue.tombstone(key, main));
        }
        long createRevision = in.readLong(MvccStore.REVISION_INITIAL + 1, main, "create revision");
        long version = in.readLong(1, Long.MAX_VALUE, "version");
        Bytes value = in.readBytes();
        long lease = in.readLong();
        return new Mutation(new Revision(main, sub), type, new KeyValue(key, createRevision, main, version, value, lease));
    }

    /** Live versions from a decoded history: the last change per key, when it is a put. */
    static List<KeyValue> liveValues(List<Mutation> changes) {
        TreeMap<Bytes, Mutation> latest = new TreeMap<>();
        for (Mutation change : changes) {
            latest.put(change.kv().key(), change);
        }
        List<KeyValue> live = new ArrayList<>();
        for (Mutation change : latest.values()) {
            if (change.isPut()) {
                live.add(change.kv());
            }
        }
        return live;
    }
}
