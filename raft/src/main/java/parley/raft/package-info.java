/**
 * Raft consensus (Ongaro and Ousterhout; Ongaro's dissertation; etcd/raft's feature set) as a
 * deterministic state machine.
 *
 * <h2>The story</h2>
 * A {@link parley.raft.RaftNode} is one replica. It never blocks and never touches the world
 * directly: it reacts to one event at a time — a {@link parley.raft.RaftMessage message} from a peer,
 * a timer firing, a {@link parley.raft.RaftStorage#sync sync} completing, or a client call — and acts
 * through its {@link parley.core.env.Env} (send, timers, clock, random), its
 * {@link parley.raft.RaftStorage}, its {@link parley.raft.StateMachine} and its
 * {@link parley.raft.RaftListener}. The simulator and the server drive the very same object.
 *
 * <p><b>Elections.</b> A follower that hears nothing from a leader for a randomized election timeout
 * first asks a {@link parley.raft.RaftMessage.PreVote pre-vote} (without bumping its term, so a node
 * cut off from the cluster cannot inflate terms and depose a healthy leader on return), then becomes a
 * candidate: it increments its term, votes for itself, makes that durable, and only then asks for
 * votes. Voters grant one vote per term, only to logs at least as up to date as theirs, and only after
 * the vote is durable; with check-quorum on, a node that heard from a leader within the minimum
 * election timeout ignores campaigns altogether (a leadership transfer excepted), and a leader that
 * has not heard from a quorum for that long steps down.
 *
 * <p><b>Replication.</b> The leader appends a no-op of its term, then streams entries. For each
 * follower it keeps a {@link parley.raft.Progress}: probing one append at a time until the
 * follower's log matches (rejections carry a conflict term/index hint so whole terms are skipped),
 * then pipelining up to {@code maxInflightAppends} batches, or sending a snapshot in chunks when the
 * entries it needs were compacted. The leader writes to its own storage and sends in parallel;
 * followers acknowledge only synced entries, and the leader counts itself only for synced ones.
 * An entry is committed when a quorum (both majorities in a joint configuration) has it durably and
 * it is of the leader's current term (Figure 8); earlier entries commit with it.
 *
 * <p><b>Durability.</b> {@link parley.raft.SyncTracker} numbers every write and keeps one sync in
 * flight (group commit). Anything that depends on durability — a vote, an append acknowledgement, a
 * snapshot-install acknowledgement, even a candidate's own vote — waits in its queue and is released
 * by the completion of the sync covering it, or dropped if the term moved on meanwhile.
 *
 * <p><b>Apply and sessions.</b> Committed entries are applied in order. COMMAND entries carry a
 * session header (client id, sequence): the replicated {@link parley.raft.SessionTable} answers a
 * retried command from its cache instead of applying it twice. Every
 * {@code snapshotThresholdEntries} the node snapshots the state machine together with the session
 * table and compacts its log.
 *
 * <p><b>Reads.</b> {@link parley.raft.RaftNode#readIndex ReadIndex}: once the leader has committed
 * in its term, a read takes the commit index, waits for a heartbeat round started afterwards to be
 * acknowledged by a quorum (no newer leader can exist then), and is released when that index has been
 * applied. With leases, a quorum-acknowledged round also grants a lease (shorter than the minimum
 * election timeout, shortened further by the clock-drift bound) during which reads need no round.
 *
 * <p><b>Membership.</b> A configuration takes effect as soon as it is appended. Changing voters goes
 * through joint consensus (C_old,new then C_new, the second appended by the leader itself once the
 * first commits); learners receive the log but never vote or count; a leader outside C_new steps down
 * once C_new commits. {@link parley.raft.RaftNode#transferLeadership Leadership transfer} catches the
 * target up and tells it to campaign at once.
 *
 * <h2>Classes</h2>
 * {@link parley.raft.RaftNode} (events, roles, follower side, apply), {@code LeaderRole} (everything
 * only a leader does), {@code ProgressTracker}/{@code Progress} (per-follower replication),
 * {@code RaftLog} (log view, commit/apply positions), {@code ConfigHistory}, {@code SyncTracker},
 * {@code VoteTracker}, {@code Quorum}, {@code ReadIndexQueue}, {@code SnapshotReceiver},
 * {@code SessionTable}, codecs ({@code EntryCodec}, {@code SnapshotCodec}), and
 * {@link parley.raft.MemoryRaftStorage} for tests and simple simulations.
 */
package parley.raft;
