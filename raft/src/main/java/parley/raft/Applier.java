package parley.raft;

import java.util.function.LongConsumer;
import parley.core.Check;

/**
 * Applies committed entries to the state machine in log order, through the client session table
 * (a retried command is answered from the cache, not applied twice), and takes snapshots of both
 * (compacting the log) every {@code snapshotThresholdEntries} or {@code snapshotThresholdBytes} of
 * entries, whichever comes first.
 */
final class Applier {
    private final RaftConfig config;
    private final RaftLog log;
    private final StateMachine stateMachine;
    private final RaftListener listener;
    private SessionTable sessions;
    /** Bytes of the entries applied since the last snapshot taken or restored (local policy, not state). */
    private long appliedBytesSinceSnapshot;
    /** Size of the last snapshot taken or restored. */
    private long lastSnapshotBytes;

    Applier(RaftConfig config, RaftLog log, StateMachine stateMachine, RaftListener listener) {
        this.config = config;
        this.log = log;
        this.stateMachine = stateMachine;
        this.listener = listener;
        this.sessions = new SessionTable(config.maxSessions());
    }

    /** Applies every committed, unapplied entry; {@code onEachApplied} (may be null) hears each index. */
    void applyCommitted(LongConsumer onEachApplied) {
        long before = log.appliedIndex();
        while (log.appliedIndex() < log.commitIndex()) {
            long index = log.appliedIndex() + 1;
            LogEntry e = log.entry(index);
            if (e.kind() == LogEntry.Kind.COMMAND) applyCommand(e);
            appliedBytesSinceSnapshot += e.data().length;
            log.appliedTo(index);
            if (onEachApplied != null) onEachApplied.accept(index);
        }
        Check.that(log.appliedIndex() == log.commitIndex() && log.appliedIndex() >= before, "apply stopped short");
    }

    private void applyCommand(LogEntry e) {
        EntryCodec.Command c = EntryCodec.decodeCommand(e.data());
        if (c.clientId() == 0) {
            listener.onApplied(e.index(), 0, c.sequence(), stateMachine.apply(e.index(), c.payload()));
            return;
        }
        switch (sessions.check(c.clientId(), c.sequence())) {
            case NEW -> {
                byte[] result = stateMachine.apply(e.index(), c.payload());
                Check.that(result != null, "state machine returned null for index %d", e.index());
                sessions.record(c.clientId(), c.sequence(), result, e.index());
                listener.onApplied(e.index(), c.clientId(), c.sequence(), result);
            }
            case DUPLICATE -> {
                byte[] cached = sessions.cachedResult(c.clientId());
                sessions.record(c.clientId(), c.sequence(), cached, e.index());
                listener.onApplied(e.index(), c.clientId(), c.sequence(), cached);
            }
            case STALE -> listener.onStaleSequence(e.index(), c.clientId(), c.sequence());
        }
    }

    /** Snapshots the state machine and sessions at the applied index once enough has been applied since the last one. */
    void maybeTakeSnapshot() {
        long applied = log.appliedIndex();
        // The byte bound grows with the state: a snapshot costs as much as the state is large, so one
        // follows at least as many bytes of log as the last snapshot held (amortized, and the log since
        // the last snapshot never outgrows the bound or the state).
        long bytesBound = Math.max(config.snapshotThresholdBytes(), lastSnapshotBytes);
        if (applied - log.snapshotIndex() <= config.snapshotThresholdEntries()
                && appliedBytesSinceSnapshot <= bytesBound) return;
        takeSnapshot();
    }

    /** Snapshots at the applied index now, if anything was applied since the last snapshot; returns whether it did. */
    boolean takeSnapshot() {
        long applied = log.appliedIndex();
        if (applied <= log.snapshotIndex()) return false;
        appliedBytesSinceSnapshot = 0;
        byte[] data = SnapshotCodec.encode(sessions.encode(), stateMachine.snapshot());
        lastSnapshotBytes = data.length;
        log.compact(new Snapshot(applied, log.term(applied), log.configAt(applied), data));
        Check.that(log.snapshotIndex() == applied, "snapshot not taken at the applied index");
        return true;
    }

    /** Replaces the state machine and session table with a snapshot's. */
    void restore(byte[] snapshotData) {
        appliedBytesSinceSnapshot = 0;
        lastSnapshotBytes = snapshotData.length;
        SnapshotCodec.Parts parts = SnapshotCodec.decode(snapshotData);
        sessions = SessionTable.decode(parts.sessions(), config.maxSessions());
        stateMachine.restore(parts.stateMachine());
        Check.that(sessions.size() <= config.maxSessions(), "restored more sessions than the bound");
    }
}
