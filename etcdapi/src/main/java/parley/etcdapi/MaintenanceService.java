package parley.etcdapi;

import com.google.protobuf.UnknownFieldSet;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.grpc.stub.StreamObserver;

/**
 * etcd's {@code Maintenance} service; only Status for now. etcd 3.4 added fields to
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

    private StatusResponse status(StatusInfo status) {
        UnknownFieldSet newerFields = UnknownFieldSet.newBuilder()
                .addField(RAFT_APPLIED_INDEX_FIELD, varint(status.raftAppliedIndex()))
                .addField(DB_SIZE_IN_USE_FIELD, varint(status.dbSizeBytes()))
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
