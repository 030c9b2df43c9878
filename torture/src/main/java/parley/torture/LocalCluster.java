package parley.torture;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * N server processes on loopback with fresh data directories, and a {@link LinkProxy} for every
 * directed pair of them: node i's member table names, for each peer j, the proxy i->j rather than j
 * itself, so every byte one node sends another passes a proxy the nemesis controls. Clients and the
 * HTTP side door talk to the nodes directly.
 */
public final class LocalCluster implements AutoCloseable {
    /** Election timeouts short enough that a run sees many elections, long enough for a loaded 2-core machine. */
    static final String TIMING = "election-timeout-ms-min = 300\nelection-timeout-ms-max = 600\nheartbeat-interval-ms = 50\n";

    private final int size;
    private final int[] clientPorts;
    private final int[] peerPorts;
    private final int[] httpPorts;
    private final List<NodeProcess> processes = new ArrayList<>();
    private final Map<Long, LinkProxy> links = new TreeMap<>();

    private LocalCluster(int size, int[] ports) {
        this.size = size;
        this.clientPorts = new int[size + 1];
        this.peerPorts = new int[size + 1];
        this.httpPorts = new int[size + 1];
        for (int i = 1; i <= size; i++) {
            clientPorts[i] = ports[3 * (i - 1)];
            peerPorts[i] = ports[3 * (i - 1) + 1];
            httpPorts[i] = ports[3 * (i - 1) + 2];
        }
    }

    /**
     * Writes the configs into {@code dir} ({@code n1.conf}, data in {@code n1/}) and opens the proxies;
     * no process runs yet.
     *
     * @param command what starts a server, up to {@code --config FILE}
     */
    public static LocalCluster create(int size, List<String> command, Path dir, String clusterName, long seed) throws IOException {
        int[] ports = FreePorts.pick(3 * size + size * (size - 1));
        LocalCluster cluster = new LocalCluster(size, ports);
        int next = 3 * size;
        try {
            for (int i = 1; i <= size; i++) {
                for (int j = 1; j <= size; j++) {
                    if (i == j) continue;
                    cluster.links.put(key(i, j), new LinkProxy(i, j, ports[next++], cluster.peerPorts[j], seed * 31 + key(i, j)));
                }
            }
            Files.createDirectories(dir);
            for (int i = 1; i <= size; i++) {
                Path config = dir.resolve("n" + i + ".conf");
                Files.writeString(config, cluster.configText(i, dir, clusterName), StandardCharsets.UTF_8);
                cluster.processes.add(new NodeProcess(i, command, config, dir));
            }
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    private String configText(int node, Path dir, String clusterName) {
        StringBuilder text = new StringBuilder();
        text.append("# written by parley torture: peers are reached through the run's link proxies\n");
        text.append("node-id = ").append(node).append('\n');
        text.append("cluster-name = ").append(clusterName).append('\n');
        text.append("data-dir = ").append(dir.resolve("n" + node).toAbsolutePath()).append('\n');
        text.append("client-listen = 127.0.0.1:").append(clientPorts[node]).append('\n');
        text.append("peer-listen = 127.0.0.1:").append(peerPorts[node]).append('\n');
        text.append("http-listen = 127.0.0.1:").append(httpPorts[node]).append('\n');
        text.append("fault-injection = on\n");
        text.append("initial-cluster-state = new\n"); // fresh directories; ignored once a node holds data
        text.append(TIMING);
        for (int j = 1; j <= size; j++) {
            int peerPort = j == node ? peerPorts[j] : links.get(key(node, j)).listenPort;
            text.append("member.").append(j).append(" = 127.0.0.1:").append(peerPort).append(" 127.0.0.1:").append(clientPorts[j]).append('\n');
        }
        return text.toString();
    }

    private static long key(int from, int to) {
        return from * 1000L + to;
    }

    public int size() { return size; }

    public NodeProcess process(int node) { return processes.get(node - 1); }

    public List<NodeProcess> processes() { return List.copyOf(processes); }

    public LinkProxy link(int from, int to) { return links.get(key(from, to)); }

    public List<LinkProxy> links() { return List.copyOf(links.values()); }

    public int clientPort(int node) { return clientPorts[node]; }

    public int httpPort(int node) { return httpPorts[node]; }

    public void startAll() throws IOException {
        for (NodeProcess p : processes) p.start();
    }

    /** What node {@code node} believes, or null when it does not answer. */
    public JsonNode status(int node) {
        return NodeHttp.status(httpPorts[node]);
    }

    /** The node that says it leads, in the highest term any node reports; 0 when none does. */
    public int leader() {
        int leader = 0;
        long leaderTerm = -1;
        for (int i = 1; i <= size; i++) {
            JsonNode s = status(i);
            if (s != null && "leader".equals(s.path("role").asText()) && s.path("term").asLong() > leaderTerm) {
                leader = i;
                leaderTerm = s.path("term").asLong();
            }
        }
        return leader;
    }

    /** Waits for a leader; 0 if none appeared in time. */
    public int awaitLeader(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (System.nanoTime() < deadline) {
            int leader = leader();
            if (leader != 0) return leader;
            Thread.sleep(50);
        }
        return 0;
    }

    /** Sends a fault-injection request to a node's HTTP port. */
    public String fault(int node, String pathAndQuery) throws IOException {
        return NodeHttp.fault(httpPorts[node], pathAndQuery);
    }

    /** Every proxy back to passing everything through at once. */
    public void healLinks() {
        for (LinkProxy link : links.values()) link.heal();
    }

    /** Server exits the run did not cause. */
    public List<String> unexpectedExits() {
        List<String> out = new ArrayList<>();
        for (NodeProcess p : processes) out.addAll(p.unexpectedExits());
        return out;
    }

    @Override
    public void close() {
        for (NodeProcess p : processes) {
            try {
                p.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (LinkProxy link : links.values()) link.close();
    }
}
