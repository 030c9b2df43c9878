package parley.harness;

import parley.raft.RaftStorage;

/** A simulated server's Raft storage, with what its completed syncs vouch for (for the durability-order check). */
interface TrackedStorage extends RaftStorage {
    DurableState durable();
}
