package parley.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One node's configuration, read from a small {@code key = value} file (see docs/server.md):
 *
 * <pre>
 * # node 1 of a 3-node cluster on one machine
 * node-id        = 1
 * cluster-name   = dev
 * data-dir       = /var/lib/parley/n1
 * client-listen  = 127.0.0.1:2379
 * peer-listen    = 127.0.0.1:2380
 * http-listen    = 127.0.0.1:9379
 * member.1       = 127.0.0.1:2380 127.0.0.1:2379
 * member.2       = 127.0.0.1:2480 127.0.0.1:2479
 * member.3       = 127.0.0.1:2580 127.0.0.1:2579
 * </pre>
 *
 * {@code member.N} lists every founding member (this node included) as "peer-address
 * client-address". Every mistake is reported with the file, the line and what was expected.
 *
 * @param nodeId       this node's id, positive
 * @param clusterName  a name all members share; peers from another cluster are refused
 * @param dataDir      where the write-ahead log and snapshots live
 * @param clientListen host:port of the etcd gRPC API
 * @param peerListen   host:port for Raft traffic
 * @param httpListen   host:port for /metrics, /health, /status
 * @param members      founding members by id
 * @param electionTimeoutMsMin shortest randomized election timeout
 * @param electionTimeoutMsMax longest randomized election timeout
 * @param heartbeatIntervalMs  leader heartbeat interval
 * @param maxRequestBytes      largest client request accepted (etcd's default: 1.5 MiB)
 * @param clientTls            TLS for the client API, or null for plaintext
 * @param peerTls              mutual TLS between members, or null for plaintext
 * @param faultInjection       serve {@code POST /fault/...} on the HTTP port (loopback only) for fault tests;
 *                             off unless {@code fault-injection = on} (see {@link FaultHooks})
 * @param historyRetentionRevisions how many revisions of history the leader keeps before it proposes a
 *                             compaction (0: keep everything, as etcd does without auto-compaction)
 * @param quotaBackendBytes    key and value bytes the store may hold, live and history together, before
 *                             writes fail with etcd's "database space exceeded" (the state is on disk,
 *                             but snapshots are still built and kept on the heap: the default is an
 *                             eighth of the JVM's heap, at most etcd's 2 GiB)
 * @param engineCacheBytes     native memory for the state engines' blocks read (the block cache), all groups together
 * @param engineMemtableBytes  native memory for the state engines' memtables, all groups together; charged to
 *                             the same cache, so the node's state engines use at most the sum of both
 * @param quiesce              idle Raft groups stop heartbeating ({@code quiesce = on}, the default); off
 *                             keeps every group heartbeating, as before there were many groups
 * @param bootstrap            {@code initial-cluster-state = new}: an empty data directory founds a new
 *                             cluster with the members listed. The default, {@code existing}, makes an
 *                             empty data directory join the cluster instead: the node takes the log from
 *                             the leader and votes only once it has caught up, so a member whose data was
 *                             lost can never vote with what it lost. Ignored when the directory holds data.
 */
public record ServerConfig(long nodeId, String clusterName, Path dataDir, HostPort clientListen, HostPort peerListen,
                           HostPort httpListen, Map<Long, Member> members, long electionTimeoutMsMin,
                           long electionTimeoutMsMax, long heartbeatIntervalMs, int maxRequestBytes,
                           TlsFiles clientTls, TlsFiles peerTls, boolean faultInjection,
                           long historyRetentionRevisions, long quotaBackendBytes, long engineCacheBytes,
                           long engineMemtableBytes, boolean quiesce, boolean bootstrap) {

    /** The state engines' memory budget, from {@link #engineCacheBytes} and {@link #engineMemtableBytes}. */
    public parley.engine.rocks.RocksEngines.Settings engineSettings() {
        return new parley.engine.rocks.RocksEngines.Settings(engineCacheBytes, engineMemtableBytes,
                Math.min(32L << 20, engineMemtableBytes / 4));
    }

    /**
     * PEM files for TLS: this node's certificate chain and private key (PKCS#8), and the CA that
     * signs the other side's certificates (null: clients are not asked for certificates).
     */
    public record TlsFiles(Path certFile, Path keyFile, Path caFile) {}

    /** A founding member's addresses. */
    public record Member(long id, HostPort peer, HostPort client) {}

    /** A host and a port. */
    public record HostPort(String host, int port) {
        static HostPort parse(String text) {
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || colon == text.length() - 1) throw new IllegalArgumentException("expected host:port, got '" + text + "'");
            int port;
            try {
                port = Integer.parseInt(text.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("port is not a number in '" + text + "'");
            }
            if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range in '" + text + "'");
            return new HostPort(text.substring(0, colon), port);
        }

        @Override public String toString() { return host + ":" + port; }
    }

    public ServerConfig {
        members = Collections.unmodifiableMap(new TreeMap<>(members));
    }

    /** What wraps a client request on its way through the log and the peers: routing, session, framing. */
    static final int ENVELOPE_BYTES = 64 << 10;

    /**
     * The largest Raft entry: any request within {@link #maxRequestBytes} fits, so what the client
     * API accepts, the log accepts (it used to stop at 1 MiB, below etcd's 1.5 MiB request limit).
     */
    public long raftEntryBytesMax() {
        return Math.max(1L << 20, (long) maxRequestBytes + ENVELOPE_BYTES);
    }

    /** The largest peer frame: an append carrying the largest entry, or a forwarded request, fits. */
    public int peerFrameBytesMax() {
        return (int) Math.max(4L << 20, raftEntryBytesMax() + ENVELOPE_BYTES);
    }

    /** The largest write-ahead log record: the largest entry fits. */
    public int walRecordBytesMax() {
        return (int) Math.max(parley.wal.WalConfig.RECORD_BYTES_MAX_DEFAULT, raftEntryBytesMax() + ENVELOPE_BYTES);
    }

    /** A configuration error: names the file and line. */
    public static final class ConfigException extends Exception {
        public ConfigException(String message) {
            super(message);
        }
    }

    private static final List<String> KNOWN_KEYS = List.of("node-id", "cluster-name", "data-dir", "client-listen",
            "peer-listen", "http-listen", "election-timeout-ms-min", "election-timeout-ms-max", "heartbeat-interval-ms",
            "max-request-bytes", "client-tls-cert-file", "client-tls-key-file", "client-tls-ca-file",
            "peer-tls-cert-file", "peer-tls-key-file", "peer-tls-ca-file", "fault-injection",
            "history-retention-revisions", "quota-backend-bytes", "engine-cache-bytes", "engine-memtable-bytes", "quiesce",
            "initial-cluster-state");

    /** Defaults of the state engines' budget: 128 MiB of blocks and 128 MiB of memtables per node. */
    static final long ENGINE_CACHE_BYTES_DEFAULT = 128L << 20;
    static final long ENGINE_MEMTABLE_BYTES_DEFAULT = 128L << 20;

    /** etcd's default backend quota; Parley's default is also bounded by the heap (see {@link #quotaBackendBytes}). */
    static final long QUOTA_BACKEND_BYTES_ETCD_DEFAULT = 2L << 30;

    /** An eighth of the heap, at most etcd's 2 GiB: the store, the log since the last snapshot and a snapshot in the making must fit. */
    static long quotaBackendBytesDefault() {
        return Math.min(QUOTA_BACKEND_BYTES_ETCD_DEFAULT, Runtime.getRuntime().maxMemory() / 8);
    }

    /**
     * The store keeps its whole history in memory, so unlike etcd (whose history lives on disk) it
     * compacts by default: the leader keeps this many revisions and proposes a compaction past them.
     */
    public static final long HISTORY_RETENTION_REVISIONS_DEFAULT = 10_000;

    /** Reads and validates {@code file}. */
    public static ServerConfig read(Path file) throws ConfigException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read the config file (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
        return parse(file.toString(), lines);
    }

    /** Parses config text; {@code name} is used in error messages. */
    public static ServerConfig parse(String name, List<String> lines) throws ConfigException {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, Integer> lineOf = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            int eq = line.indexOf('=');
            if (eq <= 0) throw new ConfigException(name + ":" + (i + 1) + ": expected 'key = value', got '" + line + "'");
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (!KNOWN_KEYS.contains(key) && !key.startsWith("member.")) {
                throw new ConfigException(name + ":" + (i + 1) + ": unknown key '" + key + "' (known: " + String.join(", ", KNOWN_KEYS) + ", member.N)");
            }
            if (values.put(key, value) != null) throw new ConfigException(name + ":" + (i + 1) + ": '" + key + "' given twice");
            lineOf.put(key, i + 1);
        }
        Reader r = new Reader(name, values, lineOf);
        long nodeId = r.positiveLong("node-id");
        Map<Long, Member> members = new TreeMap<>();
        for (String key : values.keySet()) {
            if (!key.startsWith("member.")) continue;
            long id = r.memberId(key);
            String[] parts = values.get(key).split("\\s+");
            if (parts.length != 2) throw r.error(key, "expected 'peer-host:port client-host:port'");
            members.put(id, new Member(id, r.hostPort(key, parts[0]), r.hostPort(key, parts[1])));
        }
        if (members.isEmpty()) throw new ConfigException(name + ": no member.N lines: list every founding member, this node included");
        if (!members.containsKey(nodeId)) throw new ConfigException(name + ": node-id " + nodeId + " is not among the members " + members.keySet());
        long electionMin = r.positiveLong("election-timeout-ms-min", 1000);
        long electionMax = r.positiveLong("election-timeout-ms-max", 2000);
        long heartbeat = r.positiveLong("heartbeat-interval-ms", 100);
        if (electionMax < electionMin) throw r.error("election-timeout-ms-max", "must be >= election-timeout-ms-min");
        if (heartbeat * 3 > electionMin) throw r.error("heartbeat-interval-ms", "must be at most a third of election-timeout-ms-min");
        long maxRequest = r.positiveLong("max-request-bytes", 1_572_864);
        long engineCache = r.positiveLong("engine-cache-bytes", ENGINE_CACHE_BYTES_DEFAULT);
        if (engineCache < 1L << 20) throw r.error("engine-cache-bytes", "must be at least 1 MiB (1048576), got " + engineCache);
        long engineMemtables = r.positiveLong("engine-memtable-bytes", ENGINE_MEMTABLE_BYTES_DEFAULT);
        if (engineMemtables < 4L << 20) throw r.error("engine-memtable-bytes", "must be at least 4 MiB (4194304), got " + engineMemtables);
        if (maxRequest > 64L << 20) throw r.error("max-request-bytes", "must be at most 64 MiB");
        return new ServerConfig(nodeId, r.string("cluster-name", "parley"), Path.of(r.string("data-dir", null)),
                r.hostPort("client-listen", r.string("client-listen", members.get(nodeId).client().toString())),
                r.hostPort("peer-listen", r.string("peer-listen", members.get(nodeId).peer().toString())),
                r.hostPort("http-listen", r.string("http-listen", "127.0.0.1:0")),
                members, electionMin, electionMax, heartbeat, (int) maxRequest,
                r.tls("client-tls", false), r.tls("peer-tls", true), r.onOff("fault-injection"),
                r.nonNegativeLong("history-retention-revisions", HISTORY_RETENTION_REVISIONS_DEFAULT),
                r.positiveLong("quota-backend-bytes", quotaBackendBytesDefault()), engineCache, engineMemtables,
                r.onOff("quiesce", true), initialClusterStateIsNew(r));
    }

    private static boolean initialClusterStateIsNew(Reader r) throws ConfigException {
        String value = r.string("initial-cluster-state", "existing");
        return switch (value) {
            case "new" -> true;
            case "existing" -> false;
            default -> throw r.error("initial-cluster-state", "expected 'new' (found a new cluster) or 'existing' (join one), got '" + value + "'");
        };
    }

    /** Typed access to the raw values, with errors that point at the line. */
    private record Reader(String name, Map<String, String> values, Map<String, Integer> lineOf) {
        ConfigException error(String key, String problem) {
            Integer line = lineOf.get(key);
            return new ConfigException(name + (line == null ? "" : ":" + line) + ": " + key + ": " + problem);
        }

        String string(String key, String fallback) throws ConfigException {
            String value = values.get(key);
            if (value == null || value.isEmpty()) {
                if (fallback == null) throw new ConfigException(name + ": missing required key '" + key + "'");
                return fallback;
            }
            return value;
        }

        long positiveLong(String key) throws ConfigException {
            return parsePositive(key, string(key, null));
        }

        long positiveLong(String key, long fallback) throws ConfigException {
            String value = values.get(key);
            return value == null ? fallback : parsePositive(key, value);
        }

        private long parsePositive(String key, String value) throws ConfigException {
            try {
                long v = Long.parseLong(value);
                if (v <= 0) throw error(key, "must be positive, got " + value);
                return v;
            } catch (NumberFormatException e) {
                throw error(key, "expected a number, got '" + value + "'");
            }
        }

        long nonNegativeLong(String key, long fallback) throws ConfigException {
            String value = values.get(key);
            if (value == null) return fallback;
            try {
                long v = Long.parseLong(value);
                if (v < 0) throw error(key, "must be 0 or positive, got " + value);
                return v;
            } catch (NumberFormatException e) {
                throw error(key, "expected a number, got '" + value + "'");
            }
        }

        /** {@code on} or {@code off}; absent is off. */
        boolean onOff(String key) throws ConfigException {
            return onOff(key, false);
        }

        boolean onOff(String key, boolean fallback) throws ConfigException {
            String value = values.get(key);
            if (value == null) return fallback;
            if (value.equals("off")) return false;
            if (value.equals("on")) return true;
            throw error(key, "expected 'on' or 'off', got '" + value + "'");
        }

        long memberId(String key) throws ConfigException {
            return parsePositive(key, key.substring("member.".length()));
        }

        /** The {@code prefix}-cert/key/ca-file keys: all absent (plaintext) or cert and key present. */
        TlsFiles tls(String prefix, boolean caRequired) throws ConfigException {
            String cert = values.get(prefix + "-cert-file");
            String key = values.get(prefix + "-key-file");
            String ca = values.get(prefix + "-ca-file");
            if (cert == null && key == null && ca == null) return null;
            if (cert == null || key == null) throw new ConfigException(name + ": " + prefix + ": give both " + prefix + "-cert-file and " + prefix + "-key-file");
            if (caRequired && ca == null) throw new ConfigException(name + ": " + prefix + ": members authenticate each other; give " + prefix + "-ca-file too");
            for (String k : new String[] {prefix + "-cert-file", prefix + "-key-file", prefix + "-ca-file"}) {
                String file = values.get(k);
                if (file != null && !java.nio.file.Files.isReadable(Path.of(file))) throw error(k, "cannot read " + file);
            }
            return new TlsFiles(Path.of(cert), Path.of(key), ca == null ? null : Path.of(ca));
        }

        HostPort hostPort(String key, String value) throws ConfigException {
            try {
                return HostPort.parse(value);
            } catch (IllegalArgumentException e) {
                throw error(key, e.getMessage());
            }
        }
    }
}
