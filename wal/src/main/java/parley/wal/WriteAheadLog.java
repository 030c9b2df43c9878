package parley.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongFunction;

/**
 * A directory of segment files holding a sequence of typed records, with recovery and group commit.
 * See the package documentation for the on-disk format and the recovery rules.
 *
 * <p>Thread safety: any thread may call any method; in the server one thread (the node's) appends
 * and requests syncs, the log's syncer thread fsyncs, and completions run on the executor given to
 * {@link #open}. Appends are written to the file at once (a crash may keep or lose them) and become
 * durable with the next fsync; {@link #requestSync} completes after the fsync that covers every record
 * appended before the request.
 *
 * <p>After an I/O error on write, fsync, segment creation or truncation the log is failed for good:
 * writes throw {@link WalFailedException} and no sync completes again.
 */
public final class WriteAheadLog implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WriteAheadLog.class.getName());
    private static final int FRAME_BUFFER_BYTES_KEPT = 1 << 20;

    private final Path dir;
    private final WalConfig config;
    private final SegmentFiles files;
    private final LongFunction<List<WalRecord>> preamble;
    private final RecoveryReport recoveryReport;
    private final GroupCommit groupCommit;
    private final ReentrantLock lock = new ReentrantLock();
    /** First sequence numbers of the segments before the active one, oldest first. */
    private final ArrayDeque<Long> olderSegments = new ArrayDeque<>();
    /** Channels of rolled segments; closed by the syncer, which may still be forcing one. */
    private final List<FileChannel> retired = new ArrayList<>();
    private ActiveSegment active;
    private long nextSeq;
    private ByteBuffer frameBuffer = ByteBuffer.allocateDirect(64 << 10);
    private long recordsAppended;
    private long bytesAppended;
    private WalFailedException failure;
    private boolean closed;

    private WriteAheadLog(Path dir, WalConfig config, Executor completionExecutor, LongFunction<List<WalRecord>> preamble,
                          RecoveryReport recoveryReport, long durableSeqEnd) {
        this.dir = dir;
        this.config = config;
        this.files = new SegmentFiles(dir, config);
        this.preamble = preamble;
        this.recoveryReport = recoveryReport;
        this.groupCommit = new GroupCommit("parley-wal-syncer-" + dir.getFileName(), durableSeqEnd, completionExecutor,
                config.observer(), syncSource);
    }

    /** Opens the log in {@code dir} (created if missing) with no preamble; see the full overload. */
    public static WriteAheadLog open(Path dir, WalConfig config, Executor completionExecutor, RecordVisitor visitor)
            throws IOException {
        return open(dir, config, completionExecutor, visitor, firstSeq -> List.of());
    }

    /**
     * Opens the log in {@code dir} (created if missing): replays every intact record into
     * {@code visitor}, cuts a torn tail off the last segment, and starts the syncer thread.
     *
     * @param completionExecutor runs sync completions, in order (the node's event loop); must not block
     * @param preamble           records to write at the start of every new segment, given its first
     *                           sequence number: the state a reader needs if older segments are deleted.
     *                           Called under the log's lock on the appending thread, before the batch
     *                           that caused the roll is written, so it must describe the log as it is
     *                           without that batch.
     * @throws WalCorruptionException when recovery finds damage other than a torn tail
     * @throws IOException            when the directory or a file cannot be used
     */
    public static WriteAheadLog open(Path dir, WalConfig config, Executor completionExecutor, RecordVisitor visitor,
                                     LongFunction<List<WalRecord>> preamble) throws IOException {
        config.fileSystem().prepareDirectory(dir);
        WalRecovery.Outcome outcome = WalRecovery.run(DataDirectory.segments(dir, config.fileSystem()), config, visitor);
        long seqEnd = outcome.segments().isEmpty() ? 0 : last(outcome).firstSeq() + last(outcome).records();
        WriteAheadLog wal = new WriteAheadLog(dir, config, completionExecutor, preamble, outcome.report(), seqEnd);
        wal.resume(outcome);
        if (config.syncerThread()) wal.groupCommit.start();
        return wal;
    }

    private static WalRecovery.SegmentState last(WalRecovery.Outcome outcome) {
        return outcome.segments().getLast();
    }

    /** Cuts the torn tail, reopens the last segment (or creates the first) and writes a preamble if it is empty. */
    private void resume(WalRecovery.Outcome outcome) throws IOException {
        lock.lock();
        try {
            if (outcome.segments().isEmpty()) {
                active = files.create(0);
            } else {
                for (WalRecovery.SegmentState s : outcome.segments()) olderSegments.addLast(s.firstSeq());
                olderSegments.removeLast();
                WalRecovery.SegmentState last = last(outcome);
                active = last.headerTorn() ? files.recreate(last) : files.reopen(last);
            }
            nextSeq = active.firstSeq + active.records;
            if (active.records == 0) {
                writeRecords(preamble.apply(active.firstSeq));
                active.preambleEnd = active.bytes;
            }
        } catch (WalFailedException | IOException e) {
            closeChannels();
            throw e;
        } finally {
            lock.unlock();
        }
        LOG.log(System.Logger.Level.INFO, "{0}: {1}", dir, recoveryReport);
    }

    /**
     * Appends records in one write, after rolling to a new segment when the batch would take the
     * active one past {@code segmentBytesMax}.
     *
     * @return the sequence number after the last record appended (records before it are written)
     * @throws WalFailedException       when the log has failed, or fails now
     * @throws IllegalArgumentException when a record or the batch exceeds its limit
     */
    public long append(List<WalRecord> records) {
        int batchBytes = batchBytes(records);
        lock.lock();
        try {
            ensureWritable();
            if (active.bytes > active.preambleEnd && active.bytes + batchBytes > config.segmentBytesMax()) roll();
            writeRecords(records);
            return nextSeq;
        } finally {
            lock.unlock();
        }
    }

    /** Appends one record; see {@link #append(List)}. */
    public long append(WalRecord record) {
        return append(List.of(record));
    }

    /**
     * Asks for every record appended so far to become durable; {@code onDurable} runs on the completion
     * executor after the covering fsync, after every earlier request's callback. It never runs if the
     * log fails or closes first.
     *
     * @return the sequence number the request covers (records before it)
     */
    public long requestSync(Runnable onDurable) {
        lock.lock();
        try {
            ensureWritable();
            groupCommit.request(nextSeq, onDurable);
            return nextSeq;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the syncer thread has nothing to do (see {@link #syncInline()}). */
    public boolean syncerIdle() {
        return groupCommit.idle();
    }

    /**
     * Makes every record appended so far durable with an fsync on the calling thread, saving the
     * hand-off to the syncer thread and back. Only while {@link #syncerIdle()}: the caller (the node's
     * single thread, which makes every sync request) must not mix it with requests still queued there.
     *
     * @throws WalFailedException when the log has failed, or fails now
     */
    public void syncInline() {
        GroupCommit.SyncPoint point = syncSource.syncPoint();
        if (point == null) {
            ensureWritable();
            throw new IllegalStateException("write-ahead log " + dir + " is closed");
        }
        if (!groupCommit.syncOnCaller(point)) ensureWritable(); // throws the failure the fsync caused
    }

    /**
     * Deletes every segment whose first record is before {@code firstSeq}, except the active one,
     * oldest first with a directory fsync after each (so a crash leaves a contiguous suffix).
     *
     * @return how many segments were deleted
     */
    public int deleteSegmentsBefore(long firstSeq) throws IOException {
        lock.lock();
        try {
            ensureWritable();
            int deleted = 0;
            while (!olderSegments.isEmpty() && olderSegments.peekFirst() < firstSeq) {
                files.delete(olderSegments.peekFirst());
                olderSegments.pollFirst();
                deleted++;
            }
            return deleted;
        } finally {
            lock.unlock();
        }
    }

    /** Sequence number of the next record to be appended (= records ever appended, including deleted ones). */
    public long nextSeq() {
        lock.lock();
        try {
            return nextSeq;
        } finally {
            lock.unlock();
        }
    }

    /** Every record before this sequence number is known durable. */
    public long durableSeq() {
        return groupCommit.durableSeqEnd();
    }

    /** First sequence numbers of the live segments, oldest first; the last is the active segment. */
    public List<Long> segmentFirstSeqs() {
        lock.lock();
        try {
            List<Long> seqs = new ArrayList<>(olderSegments);
            seqs.add(active.firstSeq);
            return seqs;
        } finally {
            lock.unlock();
        }
    }

    /** The file of the segment whose first record is {@code firstSeq}. */
    public Path segmentPath(long firstSeq) {
        return files.path(firstSeq);
    }

    /** The log's directory. */
    public Path directory() {
        return dir;
    }

    /** What recovery found when the log was opened. */
    public RecoveryReport recoveryReport() {
        return recoveryReport;
    }

    /** Counters since the log was opened. */
    /** Bytes of data (header and records) in the active segment: where the next append goes (tests). */
    long activeSegmentDataBytes() {
        lock.lock();
        try {
            return active.bytes;
        } finally {
            lock.unlock();
        }
    }

    public WalStats stats() {
        lock.lock();
        try {
            return groupCommit.stats(recordsAppended, bytesAppended);
        } finally {
            lock.unlock();
        }
    }

    /** The failure that stopped the log, or null while it works. */
    public WalFailedException failure() {
        lock.lock();
        try {
            return failure;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Fails the log because something written alongside it (a snapshot file) could not be made
     * durable; returns the failure to throw.
     */
    WalFailedException fail(String what, IOException cause) {
        lock.lock();
        try {
            if (failure == null) {
                // Only a write that found no room may be healed by reopening; an fsync failure never.
                boolean noSpace = !what.startsWith("fsync") && WalFailedException.isNoSpace(cause);
                failure = new WalFailedException(what + ": " + cause.getMessage(), cause, noSpace);
                LOG.log(System.Logger.Level.ERROR, failure.getMessage()); // the message says all; no stack trace
                groupCommit.halt();
                try {
                    config.observer().onFailure(failure);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "WAL observer failed on failure", e);
                }
            }
            return failure;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops the syncer and closes the files. Does not sync: records not yet durable stay as a crash
     * would leave them, and pending sync requests never complete. Request a sync and wait for it first
     * for a clean shutdown.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) return;
            closed = true;
        } finally {
            lock.unlock();
        }
        groupCommit.stop();
        lock.lock();
        try {
            closeChannels();
        } finally {
            lock.unlock();
        }
    }

    private void closeChannels() {
        if (active != null) retired.add(active.channel);
        for (FileChannel channel : retired) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "closing a segment of " + dir + " failed", e);
            }
        }
        retired.clear();
    }

    private void ensureWritable() {
        if (failure != null) throw failure;
        if (closed) throw new IllegalStateException("write-ahead log " + dir + " is closed");
    }

    private int batchBytes(List<WalRecord> records) {
        long bytes = 0;
        for (WalRecord record : records) {
            int frameBytes = record.frameBytes();
            if (frameBytes > config.recordBytesMax()) {
                throw new IllegalArgumentException("record of " + frameBytes + " bytes exceeds recordBytesMax " + config.recordBytesMax());
            }
            bytes += frameBytes;
        }
        if (bytes > WalConfig.BATCH_BYTES_MAX) {
            throw new IllegalArgumentException("batch of " + bytes + " bytes exceeds " + WalConfig.BATCH_BYTES_MAX);
        }
        return (int) bytes;
    }

    /** Writes frames at the active segment's end. Caller holds the lock. */
    private void writeRecords(List<WalRecord> records) {
        if (records.isEmpty()) return;
        ByteBuffer buffer = frameBuffer(batchBytes(records));
        for (WalRecord record : records) RecordFrame.write(buffer, active.salt, record);
        buffer.flip();
        int bytes = buffer.remaining();
        try {
            if (config.zeroFillBytes() > 0 && active.bytes + bytes > active.zeroedEnd) zeroFillAhead(active.bytes + bytes);
            SegmentFiles.writeFully(active.channel, buffer, active.bytes);
        } catch (IOException e) {
            throw fail("appending to " + active.path, e);
        }
        active.bytes += bytes;
        active.records += records.size();
        nextSeq += records.size();
        recordsAppended += records.size();
        bytesAppended += bytes;
    }

    /**
     * Zero-fills the active segment from its zeroed end past {@code dataEnd},
     * {@link WalConfig#zeroFillBytes} at a time (up to the segment size). An fdatasync after an append
     * that grew the file must also commit the new
     * size through the file system's journal; one after a write into blocks that already exist need
     * not. On ext4 here that made a synced 4 KiB append cost about 0.35 ms against 0.11 ms for an
     * overwrite: the fsync on every write's critical path gets about three times cheaper. Recovery
     * reads zeros after the last record as the end of the data ({@link WalRecovery}).
     */
    private void zeroFillAhead(long dataEnd) throws IOException {
        long from = Math.max(active.zeroedEnd, active.bytes);
        long to = Math.max(dataEnd, Math.min(dataEnd + config.zeroFillBytes(), config.segmentBytesMax()));
        SegmentFiles.writeZeros(active.channel, from, to);
        active.zeroedEnd = to;
    }

    private ByteBuffer frameBuffer(int bytes) {
        if (bytes > FRAME_BUFFER_BYTES_KEPT) return ByteBuffer.allocate(bytes);
        if (frameBuffer.capacity() < bytes) frameBuffer = ByteBuffer.allocateDirect(Integer.highestOneBit(bytes - 1) << 1);
        return frameBuffer.clear();
    }

    /**
     * Starts a new segment. The old one is fsynced first, so a crash can never leave a newer segment
     * behind an old one with a torn tail (which recovery would rightly call corruption).
     */
    private void roll() {
        try {
            active.channel.force(false);
        } catch (IOException e) {
            throw fail("fsync of " + active.path + " before rolling", e);
        }
        ActiveSegment next;
        try {
            next = files.create(nextSeq);
        } catch (IOException e) {
            throw fail("creating segment " + segmentPath(nextSeq), e);
        }
        retired.add(active.channel);
        olderSegments.addLast(active.firstSeq);
        active = next;
        writeRecords(preamble.apply(next.firstSeq));
        active.preambleEnd = active.bytes;
    }

    private final SyncSource syncSource = new SyncSource();

    /** The syncer's view of the log (also what {@link #syncInline()} forces). */
    private final class SyncSource implements GroupCommit.Source {
        @Override
        public GroupCommit.SyncPoint syncPoint() {
            lock.lock();
            try {
                if (failure != null || closed) return null;
                // Rolled segments were fsynced in full by roll(); the syncer is not forcing any of them now.
                for (FileChannel channel : retired) {
                    try {
                        channel.close();
                    } catch (IOException e) {
                        LOG.log(System.Logger.Level.WARNING, "closing a rolled segment of " + dir + " failed", e);
                    }
                }
                retired.clear();
                return new GroupCommit.SyncPoint(active.path, active.channel, nextSeq);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void fsyncFailed(Path segment, IOException cause) {
            fail("fsync of " + segment, cause);
        }
    }
}
