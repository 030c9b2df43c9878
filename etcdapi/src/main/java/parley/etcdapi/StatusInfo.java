package parley.etcdapi;

import java.util.Objects;

/**
 * One member's status, as etcd's {@code StatusResponse}.
 *
 * @param version the server version string clients see (etcdctl prints it)
 * @param dbSizeBytes the size of the stored state on disk (etcd's dbSize)
 * @param dbSizeInUseBytes how much of it live data needs (etcd's dbSizeInUse; defragment gives the rest back)
 * @param leaderId the member this one believes is leader; 0 when it knows none
 * @param raftIndex the last index in this member's Raft log
 * @param raftTerm the member's Raft term
 * @param raftAppliedIndex the last index applied to the state machine
 * @param learner whether this member is a learner
 */
public record StatusInfo(String version, long dbSizeBytes, long dbSizeInUseBytes, long leaderId, long raftIndex, long raftTerm,
        long raftAppliedIndex, boolean learner) {
    public StatusInfo {
        Objects.requireNonNull(version, "version");
    }
}
