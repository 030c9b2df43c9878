package parley.etcdapi;

import com.google.protobuf.UnknownFieldSet;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.grpc.stub.StreamObserver;

/**
 * etcd's {@code Maintenance} service: Status, Hash, HashKV, Defragment and MoveLeader (Alarm and
 * Snapshot are not served yet: see {@link Unimplemented}). etcd 3.4 added fields to
 * {@code StatusResponse} that the generated class predates (raftAppliedIndex, dbSizeInUse, isLearner);
 * they are written as protobuf fields by number, so {@code etcdctl endpoint status} shows them.
 */
final class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {
    private static final int RAFT_APPLIED_INDEX_FIELD = 7;
    private static final int DB_SIZE_IN_USE_FIELD = 9;
    private static final int IS_LEARNER_FIELD = 10;

    private final Replies replies;

    MaintenanceService(Replies replies) {
        this.replies = replies;
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> observer) {
        replies.reply(replies.backend().status(), this::status, observer);
    }

    @Override
    public void hash(io.etcd.jetcd.api.HashRequest request, StreamObserver<io.etcd.jetcd.api.HashResponse> observer) {
        replies.reply(replies.backend().hash(),
                hash -> io.etcd.jetcd.api.HashResponse.newBuilder().setHeader(replies.header()).setHash(hash).build(), observer);
    }

    @Override
    public void hashKV(io.etcd.jetcd.api.HashKVRequest request, StreamObserver<io.etcd.jetcd.api.HashKVResponse> observer) {
        replies.reply(replies.backend().hashKv(request.getRevision()), hashKv -> io.etcd.jetcd.api.HashKVResponse.newBuilder()
                .setHeader(replies.header().toBuilder().setRevision(hashKv.revision()))
                .setHash(hashKv.hash()).setCompactRevision(hashKv.compactRevision()).build(), observer);
    }

    @Override
    public void defragment(io.etcd.jetcd.api.DefragmentRequest request, StreamObserver<io.etcd.jetcd.api.DefragmentResponse> observer) {
        replies.reply(replies.backend().defragment(),
                done -> io.etcd.jetcd.api.DefragmentResponse.newBuilder().setHeader(replies.header()).build(), observer);
    }

    @Override
    public void moveLeader(io.etcd.jetcd.api.MoveLeaderRequest request, StreamObserver<io.etcd.jetcd.api.MoveLeaderResponse> observer) {
        replies.reply(replies.backend().moveLeader(request.getTargetID()),
                done -> io.etcd.jetcd.api.MoveLeaderResponse.newBuilder().setHeader(replies.header()).build(), observer);
    }

    private StatusResponse status(StatusInfo status) {
        UnknownFieldSet newerFields = UnknownFieldSet.newBuilder()
                .addField(RAFT_APPLIED_INDEX_FIELD, varint(status.raftAppliedIndex()))
                .addField(DB_SIZE_IN_USE_FIELD, varint(status.dbSizeInUseBytes()))
                .addField(IS_LEARNER_FIELD, varint(status.learner() ? 1 : 0))
                .build();
        return StatusResponse.newBuilder().setHeader(replies.header()).setVersion(status.version())
                .setDbSize(status.dbSizeBytes()).setLeader(status.leaderId()).setRaftIndex(status.raftIndex())
                .setRaftTerm(status.raftTerm()).setUnknownFields(newerFields).build();
    }

    private static UnknownFieldSet.Field varint(long value) {
        return UnknownFieldSet.Field.newBuilder().addVarint(value).build();
    }
}
