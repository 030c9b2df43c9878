package parley.wal;

import java.nio.file.Path;
import java.util.SortedMap;
import parley.raft.LogEntry;

/**
 * Rebuilds a {@link LogState} from the records of a {@link FileRaftStorage} log. Every record is
 * checked for sense as well as for its checksum: an intact record that cannot follow the ones before
 * it (an entry out of sequence, a checkpoint that disagrees with the replayed state) stops recovery.
 * Records each segment's checkpoint (first sequence number to last index) for compaction.
 */
final class LogReplay implements RecordVisitor {
    private final LogState state;
    private final SortedMap<Long, Long> checkpointLastIndexBySegment;
    private boolean started;
    private Path firstSegment;

    LogReplay(LogState state, SortedMap<Long, Long> checkpointLastIndexBySegment) {
        this.state = state;
        this.checkpointLastIndexBySegment = checkpointLastIndexBySegment;
    }

    @Override
    public void visit(RecoveredRecord r) throws WalCorruptionException {
        if (r.firstInSegment() && r.type() != RaftRecords.CHECKPOINT) throw r.corrupt("segment does not start with a CHECKPOINT record");
        if (!started) firstSegment = r.segment();
        switch (r.type()) {
            case RaftRecords.CHECKPOINT -> checkpoint(r);
            case RaftRecords.HARD_STATE -> state.hardState = RaftRecords.decodeHardState(r);
            case RaftRecords.ENTRY -> entry(r);
            case RaftRecords.TRUNCATE_AFTER -> truncateAfter(r);
            case RaftRecords.SNAPSHOT_MARKER -> marker(r);
            default -> throw r.corrupt("unknown record type " + r.type());
        }
        started = true;
    }

    /** The replayed log must hold every entry after the snapshot. */
    @Override
    public void endOfLog() throws WalCorruptionException {
        if (state.baseIndex != state.snapshotIndex) {
            throw new WalCorruptionException(firstSegment, 0, "log entries " + (state.snapshotIndex + 1) + ".." + state.baseIndex
                    + " are missing: the oldest segment's checkpoint refers to entries no remaining segment or snapshot holds");
        }
    }

    private void checkpoint(RecoveredRecord r) throws WalCorruptionException {
        RaftRecords.Checkpoint checkpoint = RaftRecords.decodeCheckpoint(r);
        if (!r.firstInSegment()) throw r.corrupt("CHECKPOINT record in the middle of a segment");
        if (!started) {
            if (checkpoint.lastIndex() < checkpoint.snapshotIndex()) throw r.corrupt("CHECKPOINT ends its log before its snapshot: " + checkpoint);
            state.adopt(checkpoint);
        } else if (!checkpoint.equals(state.checkpoint())) {
            throw r.corrupt("CHECKPOINT " + checkpoint + " disagrees with the replayed state " + state.checkpoint());
        }
        checkpointLastIndexBySegment.put(r.segmentFirstSeq(), checkpoint.lastIndex());
    }

    private void entry(RecoveredRecord r) throws WalCorruptionException {
        LogEntry entry = RaftRecords.decodeEntry(r);
        if (entry.index() != state.lastIndex() + 1) {
            throw r.corrupt("ENTRY " + entry.index() + " does not follow the last entry " + state.lastIndex());
        }
        state.append(entry);
    }

    private void truncateAfter(RecoveredRecord r) throws WalCorruptionException {
        long index = RaftRecords.decodeTruncateAfter(r);
        if (index < state.snapshotIndex) throw r.corrupt("TRUNCATE_AFTER " + index + " below the snapshot " + state.snapshotIndex);
        state.truncateAfter(index);
    }

    private void marker(RecoveredRecord r) throws WalCorruptionException {
        RaftRecords.Marker marker = RaftRecords.decodeMarker(r);
        if (marker.index() < 1 || marker.term() < 1) throw r.corrupt("SNAPSHOT_MARKER at index " + marker.index() + " term " + marker.term());
        if (marker.keepsLog() && marker.index() < state.snapshotIndex) {
            throw r.corrupt("SNAPSHOT_MARKER " + marker.index() + " keeps a log that starts after it, at " + (state.snapshotIndex + 1));
        }
        if (marker.keepsLog() && marker.index() > state.lastIndex()) {
            throw r.corrupt("SNAPSHOT_MARKER " + marker.index() + " keeps a log that ends before it, at " + state.lastIndex());
        }
        state.applySnapshot(marker.index(), marker.term(), marker.keepsLog());
    }
}
