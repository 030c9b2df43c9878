package parley.harness;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import parley.core.Check;
import parley.core.env.Env;
import parley.core.env.RandomSource;
import parley.harness.ClusterMessage.ClientOp;
import parley.harness.ClusterMessage.Reply;
import parley.keyspace.NodeReplicas;
import parley.kv.Bytes;
import parley.kv.Compare;
import parley.kv.KeyRange;
import parley.kv.KvCommand;
import parley.kv.KvResult;
import parley.kv.WatchRequest;
import parley.kv.WatchResponse;
import parley.raft.ClusterConfig;
import parley.raft.ProposeResult;
import parley.raft.RaftMessage;
import parley.raft.RaftRole;
import parley.raft.RaftStatus;
import parley.replica.KvReplica;
import parley.replica.ReplicaError;
import parley.replica.ReplicaObserver;
import parley.replica.WatchConsumer;
import parley.sim.SimDisk;
import parley.sim.SimProcess;

/**
 * One Raft KV server inside the simulator: a thin adapter around the same {@link KvReplica} the real
 * server runs, on a {@link ReplicaHost}. It recovers Raft's storage from its disk, routes messages,
 * timers and sync completions to the replica, turns simulated client requests into the replica's
 * writes and reads, and turns the replica's replies into messages back. Everything a node decides
 * (sessions, batching, reads, watches, leases, compaction) happens in the replica.
 */
public final class KvServer implements SimProcess<ClusterMessage> {
    /** Replicas one simulated node may host. */
    private static final int REPLICAS_MAX = 16;

    private final RunContext run;
    private final long nodeId;
    private final long storageId;
    private Env<ClusterMessage> env;
    private NodeReplicas replicas;
    /** Each group's storage in this incarnation, for the durability-order check. */
    private final java.util.Map<Long, TrackedStorage> storages = new java.util.TreeMap<>();
    /** Each group's write-ahead log when the storage is the real one (their failures step this node down). */
    private final java.util.Map<Long, WalRaftStorage> wals = new java.util.TreeMap<>();
    /** Disk sync ids, shared by every group's log on this node's one disk. */
    private long diskSyncIdNext = 1;
    private boolean diskFailureReported;
    private SimDisk disk;
    private parley.simfs.SimFileSystem fileSystem;
    private long diskFailuresSeen;
    /** Times the nemesis freed space on this node's disk that this incarnation has applied. */
    private long roomsSeen;
    private String lastObserved = "";
    private long leasesSeenChangeCount = -1;
    /** The lease ids this incarnation saw last (null before its first look: a restart reports nothing it did not see go). */
    private Set<Long> leaseIdsSeen;

    /**
     * @param nodeId    who this server is to the others
     * @param storageId whose disk and file system it runs on: its own id, which differs from
     *                  {@code nodeId} only for a twin (a second server with the same identity)
     */
    KvServer(RunContext run, long nodeId, long storageId) {
        this.run = run;
        this.nodeId = nodeId;
        this.storageId = storageId;
    }

    @Override
    public void onStart(Env<ClusterMessage> env, SimDisk disk) {
        this.env = env;
        this.disk = disk;
        if (run.storage() == RunSpec.Storage.WAL) {
            disk.markBytesElsewhere();
            this.fileSystem = run.fileSystem(storageId, disk);
            this.diskFailuresSeen = disk.failuresRequested(); // what an earlier incarnation met was fixed by the restart
            this.roomsSeen = disk.roomsRequested();
        }
        ClusterConfig founders = new ClusterConfig(run.serverIds(), Set.of(), Set.of());
        replicas = new NodeReplicas(env, (to, group, message) -> env.send(to, new ClusterMessage.Raft(group, message)),
                (to, bootId) -> env.send(to, new ClusterMessage.NodePing(bootId)), run.tombstoneLog(storageId), REPLICAS_MAX, new GroupStorage(),
                (groupId, groupEnv) -> new DurabilityCheckedEnv(groupEnv, this, groupId),
                // A node whose disk was ever wiped must not found the cluster again: empty storage joins.
                new NodeReplicas.Settings(run.settings(), founders, run.raftFactory(), run.leaseClocks(), run.keyspaces(),
                        disk.wipesRequested() == 0, disk.wipesRequested() > 0),
                Observer::new, new GroupListener());
        run.ledger().checkRemembersDestroyed(storageId, replicas.host()::destroyed);
        replicas.start();
        observe();
    }

    /** Each group's storage: the real log in the group's directory (the server's layout), or the simulator's journal. */
    private final class GroupStorage implements NodeReplicas.GroupStorage {
        @Override
        public parley.raft.RaftStorage open(long groupId) {
            TrackedStorage storage;
            if (run.storage() == RunSpec.Storage.WAL) {
                WalRaftStorage wal = WalRaftStorage.recover(groupDirectory(groupId), fileSystem, disk, () -> (int) env.random().nextLong(),
                        run.walZeroFillBytes(), () -> diskSyncIdNext++, syncId -> replicas.onSyncComplete(groupId, syncId));
                wals.put(groupId, wal);
                storage = wal;
            } else {
                Check.that(groupId == KvReplica.DEFAULT_GROUP_ID, "the journal holds the default group only (keyspaces need the real log)");
                storage = SimRaftStorage.recover(disk);
            }
            storages.put(groupId, storage);
            return storage;
        }

        @Override
        public void delete(long groupId) {
            storages.remove(groupId);
            WalRaftStorage wal = wals.remove(groupId);
            if (wal != null) wal.deleteFiles();
        }

        @Override
        public String spaceProblem() {
            return fileSystem != null && fileSystem.spaceLeftBytes() < SPACE_PROBE_BYTES
                    ? "the simulated disk has " + fileSystem.spaceLeftBytes() + " bytes left" : null;
        }

        @Override
        public boolean failed(long groupId) {
            WalRaftStorage wal = wals.get(groupId);
            return wal != null && wal.failure() != null;
        }

        @Override
        public parley.raft.RaftStorage reopen(long groupId) {
            WalRaftStorage failed = wals.remove(groupId);
            if (failed != null) failed.close();
            storages.remove(groupId);
            if (run.tracing()) run.trace(nodeId, "reopening the log of group " + groupId + " from disk");
            return open(groupId);
        }
    }

    /** Room the simulated disk must have again before failed logs are reopened (the server probes 8 MiB). */
    private static final long SPACE_PROBE_BYTES = 8 << 20;

    private java.nio.file.Path groupDirectory(long groupId) {
        java.nio.file.Path base = run.walDirectory(nodeId);
        return groupId == KvReplica.DEFAULT_GROUP_ID ? base
                : base.resolve(parley.wal.FileRaftStorage.GROUPS_DIRECTORY).resolve(Long.toString(groupId));
    }

    /** Tells the ledger which groups this node opens and destroys, so a destroyed group that comes back is caught. */
    private final class GroupListener implements NodeReplicas.Listener {
        @Override
        public void onGroupStarted(long groupId, KvReplica replica) {
            run.ledger().groupRuns(storageId, groupId);
            if (groupId == KvReplica.DEFAULT_GROUP_ID) {
                // A default replica reopened from storage (after a full disk) is as a restart: report nothing it did not see go.
                leaseIdsSeen = null;
                leasesSeenChangeCount = -1;
            }
            if (run.tracing() && groupId != KvReplica.DEFAULT_GROUP_ID) run.trace(nodeId, "group " + groupId + " started");
        }

        @Override
        public void onGroupOpenFailed(long groupId, String detail) {
            if (run.tracing()) run.trace(nodeId, "group " + groupId + " cannot open its log (tried again later): " + detail);
        }

        @Override
        public void onDiskStillFull(String problem) {
            if (run.tracing()) run.trace(nodeId, "disk still full: " + problem);
        }

        @Override
        public void onDiskHealed(java.util.Set<Long> reopened) {
            diskFailureReported = false; // a later failure is reported again
            if (run.tracing()) run.trace(nodeId, "disk has room again; reopened groups " + reopened + "; accepting writes");
        }

        @Override
        public void onGroupDestroyed(long groupId) {
            run.ledger().groupDestroyed(storageId, groupId);
            if (run.tracing()) run.trace(nodeId, "group " + groupId + " destroyed");
        }
    }

    @Override
    public void onMessage(long from, ClusterMessage message) {
        switch (message) {
            case ClusterMessage.Raft raftMessage -> {
                if (replicas.host().hosts(raftMessage.groupId())) run.ledger().groupRuns(storageId, raftMessage.groupId());
                replicas.onMessage(from, raftMessage.groupId(), raftMessage.message());
            }
            case ClusterMessage.NodePing ping -> replicas.onPing(from, ping.bootId());
            case ClusterMessage.Request request -> onRequest(from, request);
            case ClusterMessage.LeaseRequest lease -> onLeaseRequest(from, lease);
            case ClusterMessage.WatchCreate create -> onWatchCreate(from, create);
            case ClusterMessage.WatchAck ack -> onWatchAck(ack);
            case ClusterMessage.Admin admin -> onAdmin(from, admin);
            case ClusterMessage.AdminReply reply -> throw new IllegalStateException("server got an admin reply: " + reply);
            case ClusterMessage.Response response -> throw new IllegalStateException("server got a response: " + response);
            case ClusterMessage.WatchEvents events -> throw new IllegalStateException("server got watch events: " + events);
        }
        observe();
    }

    @Override
    public void onTimer(int timerId) {
        replicas.onTimer(timerId);
        observe();
    }

    @Override
    public void onSyncComplete(long syncId) {
        if (run.storage() == RunSpec.Storage.WAL) {
            // The log whose sync it was completes it, and its own completion reaches its replica.
            for (WalRaftStorage wal : List.copyOf(wals.values())) if (wal.onDiskSyncComplete(syncId)) break;
        } else {
            ((SimRaftStorage) storages.get(KvReplica.DEFAULT_GROUP_ID)).markSynced(syncId);
            replicas.onSyncComplete(KvReplica.DEFAULT_GROUP_ID, syncId);
        }
        observe();
    }

    /** This server's replica of the default keyspace, for end-of-run checks. */
    public KvReplica replica() {
        return replicas.defaultReplica();
    }

    /** The keyspace registry as this server applied it, for end-of-run checks. */
    public parley.keyspace.KeyspaceRegistry registry() {
        return replicas.registry();
    }

    /** Every replica this server runs, by group, for end-of-run checks. */
    public java.util.Map<Long, KvReplica> replicas() {
        return replicas.replicas();
    }

    // ---- watches ----

    /** The open watch streams served here, by stream id. Local, like etcd's: lost on a crash. */
    private final Map<Long, WatchStream> watchStreams = new HashMap<>();

    /**
     * A watch stream served here: the watcher's stream id, the next message number, and flow control
     * as a real stream has it. The server sends at most {@code windowMessages} messages beyond the last
     * one the watcher acknowledged; then it tells the replica to wait (the consumer answers false, as
     * a gRPC stream that is not ready does) and resumes the watch when an acknowledgement opens the
     * window again. A watcher that stops reading thus exercises the replica's blocked-watch path.
     */
    private final class WatchStream implements WatchConsumer {
        final long client;
        final long streamId;
        /** 1 to 8 messages, fixed per stream by its id (not drawn from the node's random source, so runs stay comparable). */
        final int windowMessages;
        long nextSeq;
        long ackedThrough = -1;
        long watchId = -1;
        boolean waiting;

        WatchStream(long client, long streamId) {
            this.client = client;
            this.streamId = streamId;
            this.windowMessages = 1 + (int) Long.remainderUnsigned(streamId * 0x9E3779B97F4A7C15L >>> 17, 8);
        }

        @Override
        public boolean offer(WatchResponse response) {
            if (response.created()) return true;
            List<ClusterMessage.Change> changes = new ArrayList<>(response.events().size());
            for (parley.kv.Event event : response.events()) {
                changes.add(new ClusterMessage.Change(event.kv().modRevision(),
                        new String(event.kv().key().bytes(), StandardCharsets.UTF_8),
                        event.type() == parley.kv.Event.Type.PUT ? decodeValue(event.kv().value()) : null));
            }
            env.send(client, new ClusterMessage.WatchEvents(streamId, nextSeq++, changes, response.revision(),
                    response.canceled(), response.cancelReason(), response.compactRevision()));
            if (response.canceled()) {
                watchStreams.remove(streamId);
                return true;
            }
            waiting = nextSeq - (ackedThrough + 1) >= windowMessages;
            return !waiting;
        }

        void onAck(long seq) {
            ackedThrough = Math.max(ackedThrough, seq);
            if (waiting && nextSeq - (ackedThrough + 1) < windowMessages) {
                waiting = false;
                KvReplica replica = replica();
                if (replica != null) {
                    run.countWatchResumed();
                    replica.resumeWatch(watchId);
                }
            }
        }
    }

    private void onWatchCreate(long client, ClusterMessage.WatchCreate create) {
        if (replica() == null) return; // being reopened from storage: the watcher hears nothing and tries another server
        WatchStream stream = new WatchStream(client, create.streamId());
        watchStreams.put(create.streamId(), stream);
        stream.watchId = replica().watch(WatchRequest.of(KeyRange.all(), create.startRevision()), stream);
    }

    private void onWatchAck(ClusterMessage.WatchAck ack) {
        WatchStream stream = watchStreams.get(ack.streamId());
        if (stream != null) stream.onAck(ack.seq());
    }

    // ---- operator requests ----

    /** Voters never drop below this, so a majority can survive the nemesis's minority of faults. */
    private static final int VOTERS_MIN = 3;

    private void onAdmin(long operator, ClusterMessage.Admin admin) {
        KvReplica replica = replica();
        if (replica == null) { // being reopened from storage
            env.send(operator, new ClusterMessage.AdminReply(admin.requestId(), false, "the default group is being reopened from storage"));
            return;
        }
        ClusterConfig current = replica.status().config();
        if (admin.op() instanceof ClusterMessage.AdminOp.CreateKeyspace || admin.op() instanceof ClusterMessage.AdminOp.DropKeyspace) {
            onKeyspaceAdmin(operator, admin);
            return;
        }
        ProposeResult result = switch (admin.op()) {
            case ClusterMessage.AdminOp.Transfer transfer -> replica.transferLeadership(transfer.target());
            case ClusterMessage.AdminOp.Demote demote -> {
                if (current.isJoint() || !current.voters().contains(demote.nodeId()) || current.voters().size() <= VOTERS_MIN) {
                    yield new ProposeResult.Rejected(parley.raft.RejectReason.INVALID_CONFIG);
                }
                Set<Long> voters = new TreeSet<>(current.voters());
                voters.remove(demote.nodeId());
                Set<Long> learners = new TreeSet<>(current.learners());
                learners.add(demote.nodeId());
                yield replica.proposeConfigChange(ClusterConfig.of(voters, learners));
            }
            case ClusterMessage.AdminOp.Promote promote -> {
                if (current.isJoint() || !current.learners().contains(promote.nodeId())) {
                    yield new ProposeResult.Rejected(parley.raft.RejectReason.INVALID_CONFIG);
                }
                Set<Long> voters = new TreeSet<>(current.voters());
                voters.add(promote.nodeId());
                Set<Long> learners = new TreeSet<>(current.learners());
                learners.remove(promote.nodeId());
                yield replica.proposeConfigChange(ClusterConfig.of(voters, learners));
            }
            case ClusterMessage.AdminOp.CreateKeyspace create -> throw new IllegalStateException("handled above");
            case ClusterMessage.AdminOp.DropKeyspace drop -> throw new IllegalStateException("handled above");
        };
        boolean accepted = result instanceof ProposeResult.Accepted;
        if (accepted && run.tracing()) run.trace(nodeId, "operator: " + admin.op() + " accepted, config " + current);
        env.send(operator, new ClusterMessage.AdminReply(admin.requestId(), accepted, result.toString()));
    }

    /**
     * Creates or drops a keyspace as the admin service does: decided on this node's registry, written
     * to the metadata group as a transaction guarded by it (a stale decision fails its compare and
     * is simply refused). Only the metadata group's leader acts.
     */
    private void onKeyspaceAdmin(long operator, ClusterMessage.Admin admin) {
        KvReplica metadata = replicas.metadata();
        if (metadata == null || !metadata.isLeader()) {
            env.send(operator, new ClusterMessage.AdminReply(admin.requestId(), false, "not the metadata group's leader"));
            return;
        }
        parley.keyspace.KeyspaceRegistry registry = replicas.registry();
        KvCommand.Txn change;
        switch (admin.op()) {
            case ClusterMessage.AdminOp.CreateKeyspace create -> {
                Bytes prefix = Bytes.utf8(create.prefix());
                String problem = registry.createProblem(create.name(), prefix, parley.keyspace.Keyspace.Mode.LINEARIZABLE);
                if (problem != null) {
                    env.send(operator, new ClusterMessage.AdminReply(admin.requestId(), false, problem));
                    return;
                }
                change = registry.createCommand(create.name(), prefix, parley.keyspace.Keyspace.Mode.LINEARIZABLE,
                        new TreeSet<>(metadata.status().config().voters()));
            }
            case ClusterMessage.AdminOp.DropKeyspace drop -> {
                String problem = registry.dropProblem(drop.name());
                if (problem != null) {
                    env.send(operator, new ClusterMessage.AdminReply(admin.requestId(), false, problem));
                    return;
                }
                change = registry.dropCommand(drop.name());
            }
            default -> throw new IllegalStateException("not a keyspace change: " + admin.op());
        }
        metadata.write(KvReplica.Write.own(change, parley.kv.KvCodec.encodeCommand(change), new parley.replica.Reply<>() {
            @Override public void ok(KvResult result) {
                boolean applied = result instanceof KvResult.TxnResult txn && txn.succeeded();
                if (applied && run.tracing()) run.trace(nodeId, "operator: " + admin.op() + " applied");
                env.send(operator, new ClusterMessage.AdminReply(admin.requestId(), applied, applied ? "applied" : "registry changed meanwhile"));
            }

            @Override public void failed(ReplicaError error) {
                env.send(operator, new ClusterMessage.AdminReply(admin.requestId(), false, error.message()));
            }
        }));
        replicas.afterEvent();
    }

    // ---- client requests ----

    /** The replica of the group that holds {@code command}'s keys (by this node's registry), or null with the client told why. */
    private KvReplica route(KvCommand command, long client, long requestId) {
        return switch (parley.keyspace.KeyspaceRouter.route(replicas.registry(), command)) {
            case parley.keyspace.Route.To to -> {
                KvReplica replica = replicas.replica(to.keyspace().groupId());
                if (replica == null) reply(client, requestId, new Reply.Busy("group " + to.keyspace().groupId() + " is not hosted here"));
                yield replica;
            }
            case parley.keyspace.Route.Refused refused -> {
                reply(client, requestId, new Reply.Error(refused.message()));
                yield null;
            }
            case parley.keyspace.Route.Unavailable unavailable -> {
                reply(client, requestId, new Reply.Busy(unavailable.message()));
                yield null;
            }
        };
    }

    private void onRequest(long client, ClusterMessage.Request request) {
        long requestId = request.requestId();
        KvCommand command = toCommand(request.op());
        long routedAt = replicas.registry().revision();
        KvReplica replica = route(command, client, requestId);
        if (replica == null) return;
        if (request.op() instanceof ClientOp.Read) {
            replica.read(command, false, routedAt, new ClientReply(client, requestId, KvServer::readReply));
            return;
        }
        replica.write(KvReplica.Write.session(request.clientId(), request.sequence(), command,
                new ClientReply(client, requestId, KvServer::writeReply)).routedAt(routedAt));
    }

    private void onLeaseRequest(long holder, ClusterMessage.LeaseRequest request) {
        KvCommand command = switch (request.op()) {
            case ClusterMessage.LeaseOp.Grant grant -> new KvCommand.LeaseGrant(grant.leaseId(), grant.ttlSeconds());
            case ClusterMessage.LeaseOp.KeepAlive keepAlive -> new KvCommand.LeaseKeepAlive(keepAlive.leaseId());
        };
        if (replica() == null) {
            reply(holder, request.requestId(), new Reply.Busy("the default group is being reopened from storage"));
            return;
        }
        replica().write(KvReplica.Write.session(request.clientId(), request.sequence(), command,
                new ClientReply(holder, request.requestId(), KvServer::leaseReply)));
    }

    private static Reply leaseReply(KvResult result) {
        return switch (result) {
            case KvResult.LeaseGrantResult grant -> new Reply.LeaseAlive(grant.ttlSeconds());
            case KvResult.LeaseKeepAliveResult keepAlive -> new Reply.LeaseAlive(keepAlive.ttlSeconds());
            case KvResult.Failure failure when failure.error() == parley.kv.KvError.LEASE_NOT_FOUND -> new Reply.LeaseNotFound();
            case KvResult.Failure failure -> new Reply.Error(failure.error() + ": " + failure.detail());
            default -> new Reply.Error("unexpected lease result " + result);
        };
    }

    private static Reply readReply(KvResult result) {
        return switch (result) {
            case KvResult.RangeResult range -> new Reply.ReadValue(range.kvs().isEmpty() ? null : decodeValue(range.kvs().get(0).value()));
            case KvResult.Failure failure -> new Reply.Error(failure.error() + ": " + failure.detail());
            default -> new Reply.Error("unexpected read result " + result);
        };
    }

    private static Reply writeReply(KvResult result) {
        return switch (result) {
            case KvResult.PutResult put -> new Reply.Written();
            case KvResult.TxnResult txn -> new Reply.CasResult(txn.succeeded());
            case KvResult.Failure failure -> new Reply.Error(failure.error() + ": " + failure.detail());
            default -> new Reply.Error("unexpected result " + result);
        };
    }

    /** Carries the replica's answer back to the simulated client as a {@link ClusterMessage.Response}. */
    private final class ClientReply implements parley.replica.Reply<KvResult> {
        private final long client;
        private final long requestId;
        private final java.util.function.Function<KvResult, Reply> translate;

        ClientReply(long client, long requestId, java.util.function.Function<KvResult, Reply> translate) {
            this.client = client;
            this.requestId = requestId;
            this.translate = translate;
        }

        @Override
        public void ok(KvResult value) {
            if (value instanceof KvResult.Failure failure && failure.error() == parley.kv.KvError.REGISTRY_CHANGED) {
                // Fenced: routed by a registry older than the group's fence; nothing was done, try again.
                reply(client, requestId, new Reply.Busy(failure.detail()));
                return;
            }
            reply(client, requestId, translate.apply(value));
        }

        @Override
        public void failed(ReplicaError error) {
            reply(client, requestId, switch (error) {
                case ReplicaError.NotLeader notLeader -> new Reply.NotLeader(notLeader.leaderHint());
                case ReplicaError.Busy busy -> new Reply.Busy(busy.reason().toString());
                case ReplicaError.OutcomeUnknown unknown -> new Reply.Unknown();
                // A full or failed disk here (nothing was done): the client tries elsewhere.
                case ReplicaError.NoSpace noSpace -> new Reply.Busy(noSpace.message());
                case ReplicaError.MemberNotFound notFound -> new Reply.Error(notFound.message());
                // Not hosted here (yet, or any more): nothing was done; the client tries elsewhere.
                case ReplicaError.GroupNotHosted notHosted -> new Reply.Busy(notHosted.message());
            });
        }
    }

    private static KvCommand toCommand(ClientOp op) {
        Bytes key = Bytes.utf8(op.key());
        return switch (op) {
            case ClientOp.Write write -> KvCommand.Put.of(key, encodeValue(write.value()));
            case ClientOp.Cas cas -> new KvCommand.Txn(
                    List.of(Compare.value(key, Compare.Result.EQUAL, encodeValue(cas.expected()))),
                    List.of(KvCommand.Put.of(key, encodeValue(cas.next()))),
                    List.of());
            case ClientOp.Read read -> KvCommand.Range.of(KeyRange.single(key));
        };
    }

    static Bytes encodeValue(long value) {
        return Bytes.utf8(Long.toString(value));
    }

    static Long decodeValue(Bytes value) {
        return Long.parseLong(new String(value.bytes(), StandardCharsets.UTF_8));
    }

    private void reply(long client, long requestId, Reply reply) {
        env.send(client, new ClusterMessage.Response(requestId, reply));
    }

    /** What a group's replica tells this world: applied commands and elections go to the safety ledger. */
    private final class Observer implements ReplicaObserver {
        private final long groupId;

        Observer(long groupId) {
            this.groupId = groupId;
        }

        @Override
        public void onApplied(long index, long clientId, long sequence, byte[] result) {
            run.ledger().applied(groupId, nodeId, index, clientId, sequence, Arrays.hashCode(result));
        }

        @Override
        public void onRoleChanged(RaftRole role, long term, long leaderId) {
            if (role == RaftRole.LEADER) run.ledger().leaderElected(groupId, term, nodeId);
        }
    }

    /** Reports leases that left this replica's table (expired: holders never revoke) to the lease ledger. */
    private void observeLeases() {
        KvReplica replica = replica();
        parley.kv.LeaseTable leases = replica.stateMachine().leases();
        if (leases.changeCount() == leasesSeenChangeCount) return;
        leasesSeenChangeCount = leases.changeCount();
        Set<Long> now = new TreeSet<>(leases.ids());
        if (leaseIdsSeen != null) {
            for (long id : leaseIdsSeen) {
                if (now.contains(id)) continue;
                if (run.tracing()) run.trace(nodeId, "lease L" + id + " gone (applied " + replica.status().appliedIndex() + ")");
                run.leases().expired(nodeId, id, run.serverClocksNs());
            }
        }
        leaseIdsSeen = now;
    }

    /** Traces what this node believes whenever it changes: the timeline `--trace` shows. */
    private void observe() {
        if (replicas != null) {
            replicas.afterEvent(); // a request may have changed what the registry says
            // As the server does after every event: so the simulator runs the same touched-groups-only
            // path (following the default group's membership looks only at groups an event touched).
            replicas.drainTouched();
        }
        KvReplica replica = replicas == null ? null : replica();
        if (replica != null) observeLeases();
        if (fileSystem != null && disk.failuresRequested() > diskFailuresSeen) {
            diskFailuresSeen = disk.failuresRequested();
            if (disk.lastFailureFull()) fileSystem.spaceLeft(0);
            else fileSystem.failNextForces(Integer.MAX_VALUE);
        }
        if (fileSystem != null && disk.roomsRequested() > roomsSeen) {
            roomsSeen = disk.roomsRequested();
            fileSystem.spaceLeft(Long.MAX_VALUE);
        }
        if (!diskFailureReported) {
            for (WalRaftStorage wal : wals.values()) {
                if (wal.failure() == null) continue;
                diskFailureReported = true;
                if (run.tracing()) run.trace(nodeId, "write-ahead log failed: " + wal.failure());
                replicas.diskFailed(wal.failure(), wal.failedForSpace());
                break;
            }
        }
        if (!run.tracing() || replica == null || replica.status() == null) return;
        RaftStatus s = replica.status();
        String belief = s.role() + " term=" + s.term() + " leader=" + (s.leaderId() == 0 ? "?" : "n" + s.leaderId())
                + " commit=" + s.commitIndex() + " applied=" + s.appliedIndex() + " last=" + s.lastIndex()
                + " durable=" + s.durableIndex() + (s.snapshotIndex() > 0 ? " snap=" + s.snapshotIndex() : "");
        if (!belief.equals(lastObserved)) {
            lastObserved = belief;
            run.trace(nodeId, "believes " + belief);
        }
    }

    /**
     * Durability order, checked on every message Raft sends (etcd's rule: persist, then send): a
     * granted vote only once the vote is durable, a successful append acknowledgement only once the
     * acknowledged entries are durable.
     */
    private void checkDurableBeforeSend(long groupId, long to, RaftMessage message) {
        TrackedStorage storage = storages.get(groupId);
        if (storage == null) return; // a destroyed group's leftovers are never sent (the host drops them)
        switch (message) {
            case RaftMessage.RequestVoteResponse vote when vote.granted() -> Check.that(
                    storage.durable().durableHardState().term() == vote.term() && storage.durable().durableHardState().votedFor() == to,
                    "durability order: n%d granted its term-%d vote to n%d before that vote was durable (durable: %s)",
                    nodeId, vote.term(), to, storage.durable().durableHardState());
            case RaftMessage.AppendEntriesResponse ack when ack.success() -> Check.that(
                    ack.matchIndex() <= storage.durable().stableIndex(),
                    "durability order: n%d acknowledged entries through %d to n%d, but only %d are durable",
                    nodeId, ack.matchIndex(), to, storage.durable().stableIndex());
            default -> { }
        }
    }

    /** The replica's group Env, with the durability order checked on every send. */
    private record DurabilityCheckedEnv(Env<RaftMessage> env, KvServer server, long groupId) implements Env<RaftMessage> {
        @Override public long nodeId() { return env.nodeId(); }
        @Override public long nowNs() { return env.nowNs(); }
        @Override public RandomSource random() { return env.random(); }
        @Override public parley.core.env.Buggify buggify() { return env.buggify(); }
        @Override public void send(long to, RaftMessage message) {
            server.checkDurableBeforeSend(groupId, to, message);
            env.send(to, message);
        }
        @Override public void setTimer(int timerId, long delayNs) { env.setTimer(timerId, delayNs); }
        @Override public void cancelTimer(int timerId) { env.cancelTimer(timerId); }
    }
}
