package parley.etcdapi;

import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.MemberRemoveRequest;
import io.etcd.jetcd.api.MemberRemoveResponse;
import io.etcd.jetcd.api.Member;
import io.etcd.jetcd.api.MemberListRequest;
import io.etcd.jetcd.api.MemberListResponse;
import io.grpc.stub.StreamObserver;
import java.util.List;

/** etcd's {@code Cluster} service: MemberList and MemberRemove (adding members is not supported yet). */
final class ClusterService extends ClusterGrpc.ClusterImplBase {
    private final Replies replies;

    ClusterService(Replies replies) {
        this.replies = replies;
    }

    @Override
    public void memberList(MemberListRequest request, StreamObserver<MemberListResponse> observer) {
        replies.reply(replies.backend().members(), this::memberList, observer);
    }

    @Override
    public void memberRemove(MemberRemoveRequest request, StreamObserver<MemberRemoveResponse> observer) {
        replies.reply(replies.backend().removeMember(request.getID()), members -> {
            MemberRemoveResponse.Builder response = MemberRemoveResponse.newBuilder().setHeader(replies.header());
            for (MemberInfo member : members) response.addMembers(member(member));
            return response.build();
        }, observer);
    }

    private static Member member(MemberInfo member) {
        return Member.newBuilder().setID(member.id()).setName(member.name())
                .addAllPeerURLs(member.peerUrls()).addAllClientURLs(member.clientUrls())
                .setIsLearner(member.learner()).build();
    }

    private MemberListResponse memberList(List<MemberInfo> members) {
        MemberListResponse.Builder response = MemberListResponse.newBuilder().setHeader(replies.header());
        for (MemberInfo member : members) response.addMembers(member(member));
        return response.build();
    }
}
