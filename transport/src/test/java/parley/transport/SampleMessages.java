package parley.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import parley.raft.ClusterConfig;
import parley.raft.LogEntry;
import parley.raft.RaftMessage;

/** One message of every type, and generators of random messages of every type. */
final class SampleMessages {
    private SampleMessages() {}

    /** One message of each of the eleven types, with non-trivial field values. */
    static List<RaftMessage> oneOfEach() {
        List<LogEntry> entries = List.of(
                new LogEntry(3, 11, LogEntry.Kind.NOOP, new byte[0]),
                new LogEntry(3, 12, LogEntry.Kind.COMMAND, new byte[] {1, 2, 3, -1}),
                new LogEntry(4, 13, LogEntry.Kind.CONFIG, "config".getBytes()));
        ClusterConfig joint = new ClusterConfig(Set.of(1L, 2L, 3L), Set.of(1L, 2L, 4L), Set.of(5L));
        return List.of(
                new RaftMessage.PreVote(7, 100, 6),
                new RaftMessage.PreVoteResponse(7, true),
                new RaftMessage.RequestVote(8, 101, 7, true),
                new RaftMessage.RequestVoteResponse(8, false),
                new RaftMessage.AppendEntries(9, 10, 3, entries, 9),
                new RaftMessage.AppendEntriesResponse(9, false, 0, 10, 8, 2),
                new RaftMessage.Heartbeat(9, 13, 42),
                new RaftMessage.HeartbeatResponse(9, 42),
                new RaftMessage.InstallSnapshot(9, 500, 8, joint, 1 << 20, 4096, new byte[] {9, 8, 7}, false),
                new RaftMessage.InstallSnapshotResponse(9, 500, 4099, false),
                new RaftMessage.TimeoutNow(10));
    }

    /** Random messages of every type, any field values the records accept. */
    static Arbitrary<RaftMessage> any() {
        Arbitrary<Long> l = Arbitraries.longs();
        Arbitrary<Boolean> b = Arbitraries.of(true, false);
        return Arbitraries.oneOf(
                Combinators.combine(l, l, l).as(RaftMessage.PreVote::new),
                Combinators.combine(l, b).as(RaftMessage.PreVoteResponse::new),
                Combinators.combine(l, l, l, b).as(RaftMessage.RequestVote::new),
                Combinators.combine(l, b).as(RaftMessage.RequestVoteResponse::new),
                Combinators.combine(l, l, l, entries(), l).as(RaftMessage.AppendEntries::new),
                Combinators.combine(l, b, l, l, l, l).as(RaftMessage.AppendEntriesResponse::new),
                Combinators.combine(l, l, l).as(RaftMessage.Heartbeat::new),
                Combinators.combine(l, l).as(RaftMessage.HeartbeatResponse::new),
                Combinators.combine(l, l, l, configs(), l, l, bytes(), b).as(RaftMessage.InstallSnapshot::new),
                Combinators.combine(l, l, l, b).as(RaftMessage.InstallSnapshotResponse::new),
                l.map(RaftMessage.TimeoutNow::new));
    }

    static Arbitrary<byte[]> bytes() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(40);
    }

    static Arbitrary<List<LogEntry>> entries() {
        Arbitrary<Long> positive = Arbitraries.longs().between(1, Long.MAX_VALUE);
        Arbitrary<LogEntry> entry = Combinators.combine(positive, positive, Arbitraries.of(LogEntry.Kind.class), bytes())
                .as(LogEntry::new);
        return entry.list().ofMaxSize(6);
    }

    static Arbitrary<ClusterConfig> configs() {
        Arbitrary<Set<Long>> ids = Arbitraries.longs().set().ofMaxSize(5);
        return Combinators.combine(ids, ids, ids).as((voters, outgoing, learners) -> {
            Set<Long> learnersOnly = new java.util.HashSet<>(learners);
            learnersOnly.removeAll(voters);
            return new ClusterConfig(voters, outgoing, learnersOnly);
        });
    }

    /** Heartbeats numbered 0..count-1 by term, to check order on arrival. */
    static List<RaftMessage> numberedHeartbeats(int count) {
        List<RaftMessage> heartbeats = new ArrayList<>(count);
        for (int i = 0; i < count; i++) heartbeats.add(new RaftMessage.Heartbeat(i, i, i));
        return heartbeats;
    }
}
