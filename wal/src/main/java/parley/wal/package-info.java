/**
 * The server's durable storage: a segmented write-ahead log with CRC32C-framed records and group
 * commit ({@link parley.wal.WriteAheadLog}), and Raft's storage on top of it
 * ({@link parley.wal.FileRaftStorage}). This is runtime code: it owns a thread and files; the Raft
 * core only sees the {@link parley.raft.RaftStorage} interface.
 *
 * <h2>On disk</h2>
 * One directory per node holds:
 * <ul>
 *   <li>{@code wal-<firstSeq, 20 digits>.log}: segments. Records are numbered from 0 in the order
 *       written ({@code seq}); a segment is named after its first record. A segment starts with a
 *       24-byte header {@code [magic "PWAL" u32][version u16][reserved u16][firstSeq u64][salt u32]
 *       [crc32c u32]}, then records framed as {@code [length u32][crc32c u32][type u8][payload]}
 *       (big-endian; {@code length} counts type and payload; the CRC32C covers the segment's random
 *       salt, the type and the payload). The active segment is rolled before a batch that would take
 *       it past {@code segmentBytesMax} (64 MiB by default).</li>
 *   <li>{@code snap-<index>-<term>.snap} (20 digits each): snapshot files with their own CRC32C,
 *       written to a {@code .tmp} file, fsynced, renamed, directory fsynced.</li>
 *   <li>{@code parley.lock}: held while a storage has the directory open.</li>
 * </ul>
 * {@link parley.wal.FileRaftStorage} writes five record types: HARD_STATE, ENTRY, TRUNCATE_AFTER,
 * SNAPSHOT_MARKER (the snapshot's index and term; its data is in the snapshot file, written durably
 * before the marker) and CHECKPOINT, the first record of every segment (hard state, snapshot position,
 * last log index at that point), which is what lets old segments be deleted (see {@code RaftRecords}).
 *
 * <h2>Durability and group commit</h2>
 * {@code append} writes records to the file at once (one {@code write} per batch) and they become
 * durable with the next fsync ({@code FileChannel.force(false)}, i.e. fdatasync). A single syncer
 * thread serves {@code requestSync}: while one fsync runs, new requests queue; the next fsync covers
 * every record appended up to its start, and completes every queued request at once. Completions are
 * handed, in request order, to the caller's executor (the node's event loop), where
 * {@code FileRaftStorage} passes the sync id to {@code RaftNode.onSyncComplete}. With
 * {@link parley.wal.WalConfig#inlineSync} (the server's setting), a sync requested while the syncer is
 * idle runs instead as a task of its own on the node's executor, which fsyncs and completes it there:
 * two thread wake-ups less per write, measured as about 10% less server CPU per put and a lower
 * single-client latency; later syncs queue behind it inline, so completions stay in order. Rolling fsyncs the
 * old segment before the new one is created, and creating or deleting a segment fsyncs the directory.
 * At open, the recovered last segment is fsynced, because Raft treats whatever storage holds at start
 * as durable. Latency of each fsync goes to {@link parley.wal.WalObserver#onFsync} and
 * {@link parley.wal.WalStats}.
 *
 * <h2>Recovery</h2>
 * Segments are read oldest first; each must start where the previous one ended (a gap means a
 * segment is missing or was cut short). Every record's frame and checksum are verified. Zeros from
 * a record boundary to the end of a segment are the room the log fills ahead of its writes
 * ({@link parley.wal.WalConfig#zeroFillBytes}: an fdatasync into blocks that exist does not have to
 * commit a new file size, about three times cheaper on ext4 here); they end the segment's data and
 * are kept for later appends. Records lost to zeros in an earlier segment still show as the gap
 * above. At the first bad record:
 * <ul>
 *   <li>in the <b>last</b> segment, when no intact record starts anywhere after it, it is a
 *       <b>torn tail</b> left by a crash mid-write: the segment is cut there, the number of bytes
 *       dropped is logged and returned in the {@link parley.wal.RecoveryReport}. Nothing in it was
 *       ever reported durable;</li>
 *   <li>anywhere else (a non-last segment, or an intact record after it) it is <b>corruption</b>:
 *       recovery stops with {@link parley.wal.WalCorruptionException} naming the file, the byte
 *       offset and the reason. Data is never served past damage.</li>
 * </ul>
 * "Intact record after it" is searched at every byte offset, since the damage may be in a length
 * field; the per-segment salt in every checksum keeps bytes that clients wrote (entry payloads) from
 * ever passing as a record. Limits of this rule: damage to the very last record of the log cannot be
 * told from a torn write and is dropped as torn (if that record had been acknowledged, it is lost; the
 * other replicas still hold it); and if the disk persisted the pages of one unsynced write out of
 * order, leaving a gap before an intact later record, recovery reports corruption although nothing
 * acknowledged was damaged (it refuses to start; an operator can cut the segment at the named offset).
 * {@code FileRaftStorage} also checks each record for sense (entries in sequence, checkpoints agreeing
 * with the replayed state, the snapshot file present and intact).
 *
 * <h2>Failures</h2>
 * An I/O error on write, fsync, segment creation or snapshot write (a full disk, EIO) fails the log
 * for good: writes throw {@link parley.wal.WalFailedException}, no sync completes again (so nothing
 * not durable is ever acknowledged), and {@link parley.wal.WalObserver#onFailure} is told. The way out
 * is recovery: reopening the log. After a write that found the disk full
 * ({@link parley.wal.WalFailedException#noSpace}) a node does that in place once there is room again
 * (the write never reached the file, or left a tail recovery cuts). Retrying an fsync after it failed
 * is unsafe on Linux (the kernel may have dropped the dirty pages yet serve them from its cache), so
 * then the only way out is a restart. Files are opened through a
 * {@link parley.wal.ChannelFactory}, so tests inject these errors.
 */
package parley.wal;
