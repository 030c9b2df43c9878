package parley.etcdapi;

import java.util.List;
import java.util.Objects;

/**
 * One member of the cluster, as etcd's {@code Member}.
 *
 * @param id the member id (etcd prints it in hex)
 * @param name the member's name; empty for a member that was added but has not started
 * @param peerUrls where peers reach it
 * @param clientUrls where clients reach it
 * @param learner whether it is a non-voting learner
 */
public record MemberInfo(long id, String name, List<String> peerUrls, List<String> clientUrls, boolean learner) {
    public MemberInfo {
        Objects.requireNonNull(name, "name");
        peerUrls = List.copyOf(peerUrls);
        clientUrls = List.copyOf(clientUrls);
    }
}
