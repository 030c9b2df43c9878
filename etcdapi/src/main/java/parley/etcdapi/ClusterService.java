package parley.etcdapi;

import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.Member;
import io.etcd.jetcd.api.MemberListRequest;
import io.etcd.jetcd.api.MemberListResponse;
import io.grpc.stub.StreamObserver;
import java.util.List;

/** etcd's {@code Cluster} service; only MemberList for now (membership changes are the Raft node's). */
final class ClusterService extends ClusterGrpc.ClusterImplBase {
    private final Replies replies;

    ClusterService(Replies replies) {
        this.replies = replies;
    }

    @Override
    public void memberList(MemberListRequest request, StreamObserver<MemberListResponse> observer) {
        replies.reply(replies.backend().members(), this::memberList, observer);
    }

    private MemberListResponse memberList(List<MemberInfo> members) {
        MemberListResponse.Builder response = MemberListResponse.newBuilder().setHeader(replies.header());
        for (MemberInfo member : members) {
            response.addMembers(Member.newBuilder().setID(member.id()).setName(member.name())
                    .addAllPeerURLs(member.peerUrls()).addAllClientURLs(member.clientUrls())
                    .setIsLearner(member.learner()));
        }
        return response.build();
    }
}
