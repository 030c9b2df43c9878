/**
 * The etcd v3 API over gRPC, wire-compatible: etcdctl, jetcd and clientv3 talk to Parley unchanged.
 *
 * <h2>The story of a request</h2>
 * A client's protobuf request arrives at one of five services, each a small class: {@code KvService}
 * (Range, Put, DeleteRange, Txn, Compact), {@code WatchService} with one {@code WatchStream} per client
 * stream, {@code LeaseService} (Grant, Revoke, the {@code LeaseKeepAliveStream}, TimeToLive, Leases),
 * {@code ClusterService} (MemberList) and {@code MaintenanceService} (Status). The service checks the
 * size limit, maps the request field by field to a {@link parley.kv.KvCommand} ({@code RequestMapper})
 * and hands it to the {@link parley.etcdapi.EtcdBackend}: writes go through consensus with
 * {@code write}, reads with {@code read}, linearizable unless the client asked for serializable. The
 * backend's {@link parley.kv.KvResult} is mapped back ({@code ResponseMapper}) and stamped with etcd's
 * response header (cluster id, member id, revision, raft term).
 *
 * <h2>Failures speak etcd</h2>
 * A command the state machine refuses comes back as a {@link parley.kv.KvResult.Failure} whose
 * {@link parley.kv.KvError} carries etcd's gRPC code and exact message; a cluster that cannot decide
 * (no leader, timeout, stopped) fails the future with an {@link parley.etcdapi.EtcdBackendException}
 * carrying etcd's. {@code EtcdErrors} turns both into the status etcd would send, because clients
 * match on the message: clientv3 maps it back to its error values, jetcd to its exceptions. Two etcd
 * answers look like errors but are not: a keep-alive of an unknown lease answers TTL 0, and a
 * time-to-live query answers TTL -1.
 *
 * <h2>Watches</h2>
 * {@link parley.etcdapi.EtcdBackend#watch} feeds one watch's responses to a
 * {@link parley.etcdapi.WatchSink} in order; a {@code WatchStream} multiplexes many watches on one
 * client stream, sends created responses in the order the creates came, and answers progress requests
 * (watch id -1, once every watch on the stream is up to date) and periodic progress notices.
 *
 * <h2>Where the generated stubs fall short</h2>
 * The stubs come from jetcd-grpc, generated from an older etcd proto. What etcd 3.4 added is handled
 * by field number: the LEASE compare target and its operand (field 8), Status's raftAppliedIndex,
 * dbSizeInUse and isLearner; and {@code Lease/LeaseLeases}, which etcdctl's {@code lease list} calls,
 * is defined by hand in {@code LeaseLeasesMethod}.
 *
 * <h2>Backends</h2>
 * {@link parley.etcdapi.LocalBackend} runs one {@link parley.kv.KvStateMachine} on one thread, without
 * consensus: for tests and a single-node dev mode. The Raft-backed node implements the same
 * {@link parley.etcdapi.EtcdBackend}.
 *
 * <h2>Where Parley differs from etcd</h2>
 * Lease ids asked for as 0 are the next unused id (1, 2, ...) rather than random; the version string is
 * {@code 3.4.0+parley}; watch ids are unique per backend rather than per stream; a slow watch client is
 * not yet cut off (responses queue in gRPC's buffer), and Auth, Election, Lock, member changes, alarms,
 * defragment, hash and snapshot are not served (gRPC answers UNIMPLEMENTED).
 */
package parley.etcdapi;
