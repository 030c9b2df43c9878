package parley.etcdapi;

/**
 * The fields of etcd's {@code ResponseHeader}, which every response carries.
 *
 * @param clusterId the cluster's id
 * @param memberId the id of the member answering
 * @param revision the store revision (responses to commands use the command's own revision instead)
 * @param raftTerm the Raft term the member is in
 */
public record ClusterHeader(long clusterId, long memberId, long revision, long raftTerm) {}
