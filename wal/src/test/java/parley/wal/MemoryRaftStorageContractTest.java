package parley.wal;

import parley.raft.MemoryRaftStorage;
import parley.raft.RaftStorage;

/** The contract on the in-memory reference implementation, which {@link FileRaftStorage} must mirror. */
class MemoryRaftStorageContractTest extends RaftStorageContract {
    @Override
    RaftStorage create() {
        return new MemoryRaftStorage();
    }

    @Override
    RaftStorage restart(RaftStorage storage) {
        MemoryRaftStorage memory = (MemoryRaftStorage) storage;
        memory.sync(1);
        memory.completeNextSync();
        memory.crash();
        return memory;
    }
}
