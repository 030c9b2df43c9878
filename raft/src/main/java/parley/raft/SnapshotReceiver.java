package parley.raft;

import parley.core.Check;

/**
 * A follower's reassembly of a snapshot arriving in chunks. Chunks must arrive in order; offset 0
 * (re)starts a transfer, anything else out of order is refused and the expected offset reported
 * back so the leader can resume from there.
 */
final class SnapshotReceiver {
    /** Refuse snapshots larger than this (a Java array bounds one buffer). */
    static final long MAX_SNAPSHOT_BYTES = Integer.MAX_VALUE - 16;

    private long snapshotIndex = -1;
    private long snapshotTerm;
    private ClusterConfig config;
    private byte[] buffer;
    private int receivedBytes;

    /** The offset expected next for snapshot {@code index} (0 when not receiving it). */
    long expectedOffset(long index) {
        return index == snapshotIndex ? receivedBytes : 0;
    }

    /** Accepts a chunk; returns the whole snapshot once its last chunk arrived, else null. */
    Snapshot accept(RaftMessage.InstallSnapshot m) {
        Check.that(m.totalBytes() >= 0 && m.totalBytes() <= MAX_SNAPSHOT_BYTES, "snapshot size out of range: %d", m.totalBytes());
        Check.that(m.offsetBytes() + m.chunk().length <= m.totalBytes(), "snapshot chunk beyond the snapshot's size");
        if (m.offsetBytes() == 0) {
            snapshotIndex = m.snapshotIndex();
            snapshotTerm = m.snapshotTerm();
            config = m.config();
            buffer = new byte[(int) m.totalBytes()];
            receivedBytes = 0;
        } else if (m.snapshotIndex() != snapshotIndex || m.offsetBytes() != receivedBytes || buffer.length != m.totalBytes()) {
            return null;
        }
        System.arraycopy(m.chunk(), 0, buffer, receivedBytes, m.chunk().length);
        receivedBytes += m.chunk().length;
        if (!m.done()) return null;
        Check.that(receivedBytes == buffer.length, "last chunk leaves the snapshot incomplete: %d of %d", receivedBytes, buffer.length);
        Snapshot snapshot = new Snapshot(snapshotIndex, snapshotTerm, config, buffer);
        snapshotIndex = -1;
        buffer = null;
        receivedBytes = 0;
        return snapshot;
    }
}
