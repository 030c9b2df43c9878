package parley.wal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import parley.raft.RaftStorage;

/** The contract on {@link FileRaftStorage}; a restart closes the storage and recovers it from disk. */
class FileRaftStorageContractTest extends RaftStorageContract {
    @TempDir
    Path root;

    private final NodeLoop loop = new NodeLoop();
    private final WalConfig config = WalConfig.DEFAULT.withChannelFactory(FaultyChannels.fast());
    private final List<FileRaftStorage> opened = new ArrayList<>();
    private long nextSyncId = 100;

    private FileRaftStorage open(Path dir) throws Exception {
        FileRaftStorage storage = FileRaftStorage.open(dir, config, loop, loop::onSynced);
        opened.add(storage);
        return storage;
    }

    @Override
    RaftStorage create() throws Exception {
        return open(root.resolve("node" + opened.size()));
    }

    @Override
    RaftStorage restart(RaftStorage storage) throws Exception {
        FileRaftStorage file = (FileRaftStorage) storage;
        long syncId = nextSyncId++;
        file.sync(syncId);
        loop.runUntil(() -> loop.synced.contains(syncId));
        file.close();
        return open(file.directory());
    }

    @AfterEach
    void closeAll() {
        opened.forEach(FileRaftStorage::close);
    }
}
