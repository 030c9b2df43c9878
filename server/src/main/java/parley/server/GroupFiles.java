package parley.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import parley.host.ReplicaHost;
import parley.keyspace.NodeReplicas;
import parley.raft.RaftStorage;
import parley.replica.KvReplica;
import parley.wal.FileRaftStorage;
import parley.wal.WalConfig;
import parley.wal.WalFailedException;

/**
 * Where a server keeps each group's storage: the default group's write-ahead log and snapshots in the
 * data directory itself (as before there were groups), every other group's in
 * {@code groups/<group id>/} beneath it. Destroyed groups are listed in {@code groups/tombstones},
 * one id per line, fsynced before the group's files go, so a restart never brings one back.
 *
 * <p>Each group has a log of its own today; one log shared by all groups is still to come.
 */
final class GroupFiles implements NodeReplicas.GroupStorage, ReplicaHost.TombstoneLog, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(GroupFiles.class.getName());
    private static final String TOMBSTONES_FILE = "tombstones";
    /** How far ahead a keyspace group's log zero-fills (the default group's uses the log's default, 4 MiB). */
    private static final long KEYSPACE_ZERO_FILL_BYTES = 256 << 10;

    private final Path dataDir;
    private final WalConfig walConfig;
    private final Executor loop;
    private final BiConsumer<Long, Long> onSynced;
    private final Map<Long, FileRaftStorage> open = new java.util.concurrent.ConcurrentHashMap<>();
    private final parley.engine.rocks.RocksEngines engines;
    /** Each group's state engine, under {@code data-dir/state/<group>}. */
    private final Map<Long, parley.engine.rocks.RocksEngine> stateEngines = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param onSynced receives (group, sync id) on the loop once a group's writes before that sync are durable
     */
    GroupFiles(Path dataDir, WalConfig walConfig, parley.engine.rocks.RocksEngines.Settings engineSettings, Executor loop,
               BiConsumer<Long, Long> onSynced) {
        this.engines = new parley.engine.rocks.RocksEngines(engineSettings);
        this.dataDir = dataDir;
        this.walConfig = walConfig;
        this.loop = loop;
        this.onSynced = onSynced;
    }

    /** Opens the default group's storage now, so a damaged data directory fails the start with its own message. */
    FileRaftStorage openDefault() throws IOException {
        return openChecked(KvReplica.DEFAULT_GROUP_ID);
    }

    @Override
    public RaftStorage open(long groupId) {
        FileRaftStorage already = open.get(groupId);
        if (already != null) return already;
        try {
            return openChecked(groupId);
        } catch (IOException e) {
            throw new UncheckedIOException("opening the storage of group " + groupId + " in " + directory(groupId) + ": " + e.getMessage(), e);
        }
    }

    private FileRaftStorage openChecked(long groupId) throws IOException {
        // Every group has a log of its own today: zero-fill keyspaces' segments less far ahead, so that a
        // thousand mostly idle groups do not claim gigabytes of zeros.
        WalConfig config = groupId == KvReplica.DEFAULT_GROUP_ID ? walConfig
                : walConfig.withZeroFillBytes(Math.min(walConfig.zeroFillBytes(), KEYSPACE_ZERO_FILL_BYTES));
        FileRaftStorage storage = FileRaftStorage.open(directory(groupId), config, loop, syncId -> onSynced.accept(groupId, syncId));
        open.put(groupId, storage);
        return storage;
    }

    @Override
    public parley.engine.KvEngine openEngine(long groupId) {
        parley.engine.rocks.RocksEngine previous = stateEngines.remove(groupId);
        if (previous != null) previous.close();
        parley.engine.rocks.RocksEngine engine = engines.openEmpty(stateDirectory(groupId));
        stateEngines.put(groupId, engine);
        return engine;
    }

    /** The node's state engines together (their shared cache and memtable budget), for /status and metrics. */
    parley.engine.rocks.RocksEngines engines() {
        return engines;
    }

    private Path stateDirectory(long groupId) {
        return dataDir.resolve(FileRaftStorage.STATE_DIRECTORY).resolve(Long.toString(groupId));
    }

    @Override
    public void delete(long groupId) {
        if (groupId == KvReplica.DEFAULT_GROUP_ID) throw new IllegalArgumentException("the default group's storage is never deleted");
        FileRaftStorage storage = open.remove(groupId);
        if (storage != null) storage.close();
        parley.engine.rocks.RocksEngine engine = stateEngines.remove(groupId);
        if (engine != null) engine.close();
        try {
            parley.engine.rocks.RocksEngines.delete(stateDirectory(groupId));
        } catch (UncheckedIOException e) {
            LOG.log(System.Logger.Level.WARNING, "could not delete the state of destroyed group " + groupId + ": " + e.getMessage());
        }
        Path dir = directory(groupId);
        if (!Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(file);
        } catch (IOException e) {
            // The tombstone is durable already: the group never reopens; the files are only wasted space.
            LOG.log(System.Logger.Level.WARNING, "could not delete the storage of destroyed group " + groupId + " in " + dir + ": " + e.getMessage());
        }
    }

    /** How much a full disk must take again before failed logs are reopened: room for a segment's zero-fill, twice. */
    private static final int SPACE_PROBE_BYTES = 8 << 20;

    /**
     * Null when the disk takes writes again: a probe file of {@link #SPACE_PROBE_BYTES} in the data
     * directory is written, fsynced and deleted (through the log's own channels, so injected faults
     * apply). Otherwise why not.
     */
    /** How often {@link #spaceProblem} looked (tests). */
    long spaceProbes() {
        return spaceProbes.get();
    }

    private final java.util.concurrent.atomic.AtomicLong spaceProbes = new java.util.concurrent.atomic.AtomicLong();

    @Override
    public String spaceProblem() {
        spaceProbes.incrementAndGet();
        Path probe = dataDir.resolve(FileRaftStorage.SPACE_PROBE_FILE);
        try {
            try (var channel = walConfig.channelFactory().open(probe, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING))) {
                java.nio.ByteBuffer zeros = java.nio.ByteBuffer.allocate(64 << 10);
                for (long written = 0; written < SPACE_PROBE_BYTES; written += zeros.capacity()) {
                    zeros.clear();
                    while (zeros.hasRemaining()) channel.write(zeros, written + zeros.position());
                }
                channel.force(true);
            }
            return null;
        } catch (IOException e) {
            return "writing " + SPACE_PROBE_BYTES + " bytes to " + probe + ": " + e.getMessage();
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "could not delete " + probe + ": " + e.getMessage());
            }
        }
    }

    @Override
    public boolean failed(long groupId) {
        FileRaftStorage storage = open.get(groupId);
        return storage != null && storage.failure() != null;
    }

    @Override
    public RaftStorage reopen(long groupId) {
        FileRaftStorage failed = open.remove(groupId);
        if (failed != null) failed.close();
        return open(groupId);
    }

    /** The first failure of any group's log, or null. */
    WalFailedException failure() {
        for (FileRaftStorage storage : open.values()) if (storage.failure() != null) return storage.failure();
        return null;
    }

    private Path directory(long groupId) {
        return groupId == KvReplica.DEFAULT_GROUP_ID ? dataDir : dataDir.resolve(FileRaftStorage.GROUPS_DIRECTORY).resolve(Long.toString(groupId));
    }

    @Override
    public Set<Long> load() {
        Path file = dataDir.resolve(FileRaftStorage.GROUPS_DIRECTORY).resolve(TOMBSTONES_FILE);
        Set<Long> ids = new TreeSet<>();
        if (!Files.exists(file)) return ids;
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String id = line.strip();
                if (id.isEmpty()) continue;
                try {
                    ids.add(Long.parseLong(id));
                } catch (NumberFormatException e) {
                    // A torn last line from a crash mid-append: the drop it recorded is also in the registry.
                    LOG.log(System.Logger.Level.WARNING, file + ": ignoring unreadable line \"" + id + "\"");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the destroyed groups in " + file + ": " + e.getMessage(), e);
        }
        return ids;
    }

    @Override
    public void record(long groupId) {
        Path groups = dataDir.resolve(FileRaftStorage.GROUPS_DIRECTORY);
        Path file = groups.resolve(TOMBSTONES_FILE);
        try {
            Files.createDirectories(groups);
            try (var channel = java.nio.channels.FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                channel.write(java.nio.ByteBuffer.wrap((groupId + "\n").getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
            try (var directory = java.nio.channels.FileChannel.open(groups, StandardOpenOption.READ)) {
                directory.force(true); // the file's directory entry, when this was its first line
            }
        } catch (IOException e) {
            throw new UncheckedIOException("recording destroyed group " + groupId + " in " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        for (FileRaftStorage storage : open.values()) {
            try {
                storage.close();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "closing the write-ahead log: " + e.getMessage());
            }
        }
        open.clear();
        stateEngines.clear();
        engines.close();
    }
}
