package parley.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which cluster a data directory belongs to: the cluster's name and the members it was founded with,
 * persisted in {@code cluster} beside the write-ahead log when the node first starts, and read back
 * ever after (the configuration's member list may change later, through membership changes; the
 * founding one never does). Its hash is the cluster id every peer handshake carries, so a node whose
 * configuration names other founders (a fourth member, a typo) is refused by every member of the real
 * cluster, with both member lists in the message, instead of electing itself with voters no one else
 * has. The cluster id is also the one etcd clients see in response headers.
 *
 * @param name      the cluster's name ({@code cluster-name})
 * @param founders  the member ids the cluster was bootstrapped with
 * @param lostState this data directory was first used empty by a node that joined rather than founded
 *                  (a member whose data was lost, or a new one): its node never founds a group on empty
 *                  storage (see {@link parley.keyspace.NodeReplicas.Settings#lostState}). Not part of the
 *                  cluster id.
 */
record ClusterIdentity(String name, SortedSet<Long> founders, boolean lostState) {
    static final String FILE = parley.wal.FileRaftStorage.CLUSTER_FILE;

    ClusterIdentity {
        founders = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(founders));
    }

    /** The identity {@code config} describes: its cluster name and its member list. */
    static ClusterIdentity of(ServerConfig config, boolean lostState) {
        return new ClusterIdentity(config.clusterName(), new TreeSet<>(config.members().keySet()), lostState);
    }

    /** In words, for handshake refusals: {@code cluster 'test' founded by members [1, 2, 3]}. */
    String describe() {
        return "cluster '" + name + "' founded by members " + founders;
    }

    /** A stable 64-bit id (FNV-1a of the name and the founders), shared by every member of the cluster. */
    long id() {
        long hash = 0xcbf29ce484222325L;
        for (byte b : (name + "/" + founders).getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash & Long.MAX_VALUE;
    }

    /**
     * The identity recorded in {@code dataDir}, or, when there is none yet (a new node, or a data
     * directory from before identities were recorded), {@code configured}, which is recorded first.
     *
     * @throws IOException with a message naming both when the directory belongs to a cluster of another name
     */
    static ClusterIdentity loadOrRecord(Path dataDir, ClusterIdentity configured, boolean storageEmpty) throws IOException {
        Path file = dataDir.resolve(FILE);
        if (!Files.exists(file)) {
            record(dataDir, configured);
            return configured;
        }
        ClusterIdentity recorded = read(file);
        if (storageEmpty && recorded.lostState() != configured.lostState() && recorded.name().equals(configured.name())) {
            // Nothing was ever stored here (an earlier start failed before it got anywhere): whether the
            // node founds or joins is this start's configuration, not the one recorded then.
            recorded = new ClusterIdentity(recorded.name(), recorded.founders(), configured.lostState());
            record(dataDir, recorded);
        }
        if (!recorded.name().equals(configured.name())) {
            throw new IOException("data directory " + dataDir + " belongs to " + recorded.describe() + ", but the configuration names cluster '"
                    + configured.name() + "' (cluster-name): start this node with its own data directory, or fix cluster-name");
        }
        return recorded;
    }

    /**
     * Refuses a data directory that a member used (it holds the cluster file) but whose write-ahead log
     * is gone: opening it would start a new, empty member in its place, with no word that every local
     * state was lost. (Snapshots without a log are refused by the storage itself.)
     */
    static void refuseLostLog(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        if (!Files.exists(file) || parley.wal.FileRaftStorage.holdsLog(dataDir)) return;
        throw new IOException("data directory " + dataDir + " belongs to " + read(file).describe() + " but holds no write-ahead log"
                + " (wal-*.log): the log was lost, and with it this node's state and votes. Nothing was deleted. To bring the node"
                + " back, move the data directory aside and start it with an empty one: it rejoins and catches up from the other members");
    }

    private static ClusterIdentity read(Path file) throws IOException {
        String name = null;
        SortedSet<Long> founders = null;
        boolean lostState = false;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int eq = line.indexOf('=');
            if (line.isBlank() || line.startsWith("#")) continue;
            if (eq < 0) throw new IOException(file + ": unreadable line \"" + line + "\"");
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            switch (key) {
                case "name" -> name = value;
                case "lost-state" -> lostState = Boolean.parseBoolean(value);
                case "founders" -> {
                    founders = new TreeSet<>();
                    for (String id : value.split(",")) {
                        try {
                            founders.add(Long.parseLong(id.strip()));
                        } catch (NumberFormatException e) {
                            throw new IOException(file + ": founder \"" + id.strip() + "\" is not a node id");
                        }
                    }
                }
                default -> throw new IOException(file + ": unknown key \"" + key + "\"");
            }
        }
        if (name == null || founders == null || founders.isEmpty()) throw new IOException(file + ": needs both name and founders");
        return new ClusterIdentity(name, founders, lostState);
    }

    /** Writes the file whole or not at all: a temporary file, fsynced, renamed over, the directory fsynced. */
    private static void record(Path dataDir, ClusterIdentity identity) throws IOException {
        Files.createDirectories(dataDir);
        StringBuilder text = new StringBuilder("# The cluster this data directory belongs to (written once, at the node's first start).\n");
        text.append("name = ").append(identity.name()).append('\n');
        text.append("founders = ").append(String.join(",", identity.founders().stream().map(String::valueOf).toList())).append('\n');
        if (identity.lostState()) text.append("lost-state = true\n");
        Path temporary = dataDir.resolve(FILE + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) channel.write(bytes);
            channel.force(true);
        }
        Files.move(temporary, dataDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel directory = FileChannel.open(dataDir, StandardOpenOption.READ)) {
            directory.force(true);
        }
    }

}
