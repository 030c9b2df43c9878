package parley.sim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

import parley.core.Check;
import parley.core.env.RandomSource;

/**
 * A node's write-ahead journal: an ordered list of records that survives crashes. It belongs to the
 * node, not to the process, so a restarted process finds what its predecessor made durable.
 *
 * <p>Writes ({@link #append}, {@link #replace}) are volatile until a later {@link #sync} completes;
 * the world then calls the process's {@link SimProcess#onSyncComplete}. Syncs complete in the order
 * they were requested. Each record is stored with its declared length and CRC32C, as a real journal
 * stores a header, so {@link #recover()} can tell a torn tail (short record at the end: dropped
 * silently, it was never acknowledged) from corruption (a full-length record whose checksum does not
 * match, or a short record before the end: reported, never returned).
 *
 * <p>A crash (decided by the world) loses the unsynced writes, or keeps a random prefix of them with
 * the last one possibly torn; see {@link CrashMode}. Writes reach the platter in order: a later write
 * never survives when an earlier one is lost. {@link #replace} is atomic (write a new file, rename).
 */
public final class SimDisk {

    /** Where a sync's completion is scheduled: the world. */
    interface Host {
        long nowNs();

        void scheduleSyncCompletion(SimDisk disk, long syncId, long lastOpSeq, long atNs);

        /** Runs {@code action} as a world event at the current instant, after the running callback. */
        void runSoon(Runnable action);

        /** The world's fault sites. */
        default parley.core.env.Buggify buggify() {
            return parley.core.env.Buggify.OFF;
        }
    }

    /** A sync that completes this much later than the disk's latency model says (a stalled device). */
    private static final long LATE_SYNC_NS = 50_000_000L;

    /** A record as stored: its bytes (possibly torn or corrupted), declared length and checksum. */
    private record Stored(byte[] bytes, int declaredLength, int crc32c) {
        boolean torn() {
            return bytes.length < declaredLength;
        }
    }

    /** A write not yet durable. {@code records} is null for an append, the new contents for a replace. */
    private record PendingOp(long seq, byte[] appended, List<byte[]> records) {}

    /** What a crash did to the unsynced writes, for the trace and the counters. */
    record CrashLoss(int opsLost, int opsKept, boolean torn) {}

    private final Host host;
    private final RandomSource latencyRandom;
    private final LatencyModel fsyncLatency;
    private final ArrayList<Stored> durable = new ArrayList<>();
    private final ArrayDeque<PendingOp> pending = new ArrayDeque<>();
    private long nextOpSeq = 1;
    private long lastSyncCompletionNs;
    private long fsyncExtraLatencyNs;
    /** One-shot action to run right after the next append (a crash timed to tear it). */
    private Runnable afterNextAppend;

    private long recordsAppended;
    private long bytesAppended;
    private long syncsRequested;
    private long syncsCompleted;
    private long replaces;
    private long opsLostOnCrash;
    private long crashes;
    private long corruptionsRequested;
    private boolean bytesElsewhere;
    private long failuresRequested;
    private boolean lastFailureFull;
    private long roomsRequested;
    private long wipesRequested;
    private CrashMode lastCrashMode;
    private long tornTailsWritten;
    private long tornTailsDropped;
    private long recordsCorrupted;
    private long bytesDurable;

    SimDisk(Host host, RandomSource latencyRandom, LatencyModel fsyncLatency) {
        this.host = host;
        this.latencyRandom = latencyRandom;
        this.fsyncLatency = fsyncLatency;
    }

    // ---- the process's side ----

    /** Appends a record (copied); volatile until a later sync completes. */
    public void append(byte[] record) {
        Check.that(record != null, "disk append: record must not be null");
        pending.addLast(new PendingOp(nextOpSeq++, record.clone(), null));
        recordsAppended++;
        bytesAppended += record.length;
        if (afterNextAppend != null && record.length > 0) {
            Runnable action = afterNextAppend;
            afterNextAppend = null;
            host.runSoon(action);
        }
    }

    /**
     * Atomically replaces the whole journal with {@code records} (compaction); volatile until a later
     * sync completes, and then all or nothing.
     */
    public void replace(List<byte[]> records) {
        List<byte[]> copies = new ArrayList<>(records.size());
        for (byte[] record : records) {
            Check.that(record != null, "disk replace: record must not be null");
            copies.add(record.clone());
            bytesAppended += record.length;
        }
        pending.addLast(new PendingOp(nextOpSeq++, null, copies));
        replaces++;
    }

    /**
     * Requests that every write issued so far become durable. After a simulated fsync latency the world
     * calls {@link SimProcess#onSyncComplete(long) onSyncComplete(syncId)} on this incarnation, unless it
     * crashed first (then the writes are subject to the crash).
     */
    public void sync(long syncId) {
        long nowNs = host.nowNs();
        long latencyNs = fsyncLatency.sampleNs(latencyRandom) + fsyncExtraLatencyNs;
        if (host.buggify().fire("disk.sync-late")) latencyNs += LATE_SYNC_NS;
        // fsyncs complete in order: a later one never overtakes an earlier one.
        long completionNs = Math.max(lastSyncCompletionNs, nowNs + latencyNs);
        lastSyncCompletionNs = completionNs;
        syncsRequested++;
        host.scheduleSyncCompletion(this, syncId, nextOpSeq - 1, completionNs);
    }

    /**
     * Reads the journal back: every durable record, verified, followed by the effect of writes issued
     * since (reads see every write, synced or not). A torn record at the tail is dropped from the disk
     * silently.
     *
     * @throws DiskCorruptionException when a record fails verification and is not a torn tail; the
     *         journal is left as it is, so a restart fails again
     */
    public List<byte[]> recover() {
        dropTornTail();
        CRC32C crc = new CRC32C();
        List<byte[]> records = new ArrayList<>(durable.size() + pending.size());
        for (int position = 0; position < durable.size(); position++) {
            Stored stored = durable.get(position);
            if (stored.torn()) {
                throw new DiskCorruptionException(position, "truncated record before the tail ("
                        + stored.bytes.length + " of " + stored.declaredLength + " bytes)");
            }
            if (checksum(crc, stored.bytes) != stored.crc32c) {
                throw new DiskCorruptionException(position, "checksum mismatch");
            }
            records.add(stored.bytes.clone());
        }
        for (PendingOp op : pending) {
            if (op.records == null) {
                records.add(op.appended.clone());
            } else {
                records.clear();
                for (byte[] record : op.records) {
                    records.add(record.clone());
                }
            }
        }
        return records;
    }

    private void dropTornTail() {
        if (!durable.isEmpty() && durable.get(durable.size() - 1).torn()) {
            Stored torn = durable.remove(durable.size() - 1);
            bytesDurable -= torn.bytes.length;
            tornTailsDropped++;
        }
    }

    // ---- what the world and tests observe ----

    /** Records on the platter (torn or corrupt ones included). */
    public int durableRecordCount() { return durable.size(); }

    /** Writes issued and not yet covered by a completed sync. */
    public int unsyncedOpCount() { return pending.size(); }

    /** Whether the writes include an unsynced non-empty append (what a torn crash needs). */
    public boolean hasUnsyncedAppend() {
        for (PendingOp op : pending) {
            if (op.records == null && op.appended.length > 0) {
                return true;
            }
        }
        return false;
    }

    /** A copy of the durable record at {@code position}, as stored (no verification). */
    public byte[] durableRecord(int position) { return durable.get(position).bytes.clone(); }

    public long recordsAppended() { return recordsAppended; }

    public long bytesAppended() { return bytesAppended; }

    public long bytesDurable() { return bytesDurable; }

    public long syncsRequested() { return syncsRequested; }

    public long syncsCompleted() { return syncsCompleted; }

    public long replaces() { return replaces; }

    /** Unsynced writes discarded by crashes. */
    public long opsLostOnCrash() { return opsLostOnCrash; }

    /**
     * How often this disk's node crashed, and how the last crash treated unsynced writes: a storage
     * that keeps its bytes elsewhere (the real log on a simulated file system) crashes them alike.
     */
    public long crashes() { return crashes; }

    public CrashMode lastCrashMode() { return lastCrashMode; }

    /** How often a latent sector error was asked of this disk (a storage with its bytes elsewhere applies it there). */
    public long corruptionsRequested() { return corruptionsRequested; }

    /**
     * This node keeps its bytes in a storage of its own (the real log on a simulated file system),
     * which applies this disk's crashes and corruptions itself; its journal stays empty.
     */
    public void markBytesElsewhere() { bytesElsewhere = true; }

    public boolean bytesElsewhere() { return bytesElsewhere; }

    /** The nemesis asks this disk to fail: fill up ({@code full}) or fail its fsyncs. Applied by the storage that holds the bytes. */
    public void requestFailure(boolean full) {
        failuresRequested++;
        lastFailureFull = full;
    }

    public long failuresRequested() { return failuresRequested; }

    /** The operator wipes this disk while its node is down: the storage that holds the bytes empties itself. */
    public void requestWipe() {
        wipesRequested++;
    }

    /** How often this disk was wiped: a node whose disk was ever wiped must not found the cluster again on empty storage. */
    public long wipesRequested() { return wipesRequested; }

    /** The operator frees space on this (full) disk, without restarting its node. Applied by the storage that holds the bytes. */
    public void requestRoom() {
        roomsRequested++;
    }

    public long roomsRequested() { return roomsRequested; }

    public boolean lastFailureFull() { return lastFailureFull; }

    public long tornTailsWritten() { return tornTailsWritten; }

    public long tornTailsDropped() { return tornTailsDropped; }

    public long recordsCorrupted() { return recordsCorrupted; }

    /** Extra latency added to every fsync (a slow disk); 0 normally. */
    public long fsyncExtraLatencyNs() { return fsyncExtraLatencyNs; }

    // ---- faults and completion, driven by the world ----

    void setFsyncExtraLatencyNs(long extraNs) {
        Check.that(extraNs >= 0, "fsync extra latency must be >= 0");
        fsyncExtraLatencyNs = extraNs;
    }

    /** Arms (or with null, disarms) a one-shot action run right after the next non-empty append. */
    void afterNextAppend(Runnable action) {
        afterNextAppend = action;
    }

    /** A sync completed: every write with sequence up to {@code lastOpSeq} is now durable. */
    void makeDurable(long lastOpSeq) {
        while (!pending.isEmpty() && pending.peekFirst().seq <= lastOpSeq) {
            apply(pending.pollFirst(), -1);
        }
    }

    void countSyncCompleted() {
        syncsCompleted++;
    }

    /** The node crashed: decide which unsynced writes reached the platter. */
    CrashLoss crash(CrashMode mode, RandomSource random) {
        crashes++;
        lastCrashMode = mode;
        int unsynced = pending.size();
        int kept = switch (mode) {
            case LOSE_UNSYNCED -> 0;
            case KEEP_RANDOM_PREFIX -> unsynced == 0 ? 0 : random.nextInt(unsynced + 1);
            case TORN_TAIL -> keptBeforeTear(random);
        };
        boolean tear = mode == CrashMode.TORN_TAIL && kept > 0;
        for (int i = 0; i < kept; i++) {
            PendingOp op = pending.pollFirst();
            boolean last = i == kept - 1;
            apply(op, tear && last ? random.nextInt(op.appended.length) : -1);
        }
        opsLostOnCrash += pending.size();
        int lost = pending.size();
        pending.clear();
        if (tear) {
            tornTailsWritten++;
        }
        return new CrashLoss(lost, kept, tear);
    }

    /** For a torn crash: how many ops survive, the last a non-empty append (0 when there is none). */
    private int keptBeforeTear(RandomSource random) {
        List<Integer> appendEnds = new ArrayList<>();
        int count = 0;
        for (PendingOp op : pending) {
            count++;
            if (op.records == null && op.appended.length > 0) {
                appendEnds.add(count);
            }
        }
        return appendEnds.isEmpty() ? 0 : appendEnds.get(random.nextInt(appendEnds.size()));
    }

    /**
     * Flips one random bit of one random durable, non-empty record: a latent sector error. Returns the
     * position corrupted, or -1 when there is no such record.
     */
    int corruptRandomRecord(RandomSource random) {
        corruptionsRequested++;
        if (bytesElsewhere) return 0; // the storage that holds the bytes applies it (see corruptionsRequested)
        List<Integer> candidates = new ArrayList<>();
        for (int position = 0; position < durable.size(); position++) {
            if (durable.get(position).bytes.length > 0 && !durable.get(position).torn()) {
                candidates.add(position);
            }
        }
        if (candidates.isEmpty()) {
            return -1;
        }
        int position = candidates.get(random.nextInt(candidates.size()));
        corruptRecord(position, random.nextInt(durable.get(position).bytes.length * 8));
        return position;
    }

    /** Flips bit {@code bitIndex} of durable record {@code position}. */
    void corruptRecord(int position, int bitIndex) {
        Stored stored = durable.get(position);
        Check.that(bitIndex >= 0 && bitIndex < stored.bytes.length * 8, "corrupt bit within the record");
        byte[] flipped = stored.bytes.clone();
        flipped[bitIndex >>> 3] ^= (byte) (1 << (bitIndex & 7));
        durable.set(position, new Stored(flipped, stored.declaredLength, stored.crc32c));
        recordsCorrupted++;
    }

    /** Applies one op to the platter; a non-negative {@code tornLength} truncates an append. */
    private void apply(PendingOp op, int tornLength) {
        if (op.records != null) {
            durable.clear();
            bytesDurable = 0;
            for (byte[] record : op.records) {
                storeDurable(record, -1);
            }
        } else {
            storeDurable(op.appended, tornLength);
        }
    }

    private void storeDurable(byte[] record, int tornLength) {
        int crc = checksum(new CRC32C(), record);
        byte[] bytes = tornLength >= 0 && tornLength < record.length ? Arrays.copyOf(record, tornLength) : record;
        durable.add(new Stored(bytes, record.length, crc));
        bytesDurable += bytes.length;
    }

    private static int checksum(CRC32C crc, byte[] bytes) {
        crc.reset();
        crc.update(bytes, 0, bytes.length);
        return (int) crc.getValue();
    }
}
