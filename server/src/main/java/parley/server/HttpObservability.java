package parley.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import parley.raft.RaftRole;
import parley.raft.RaftStatus;

/**
 * A node's HTTP side door: {@code /metrics} (Prometheus text format), {@code /health} (200 when the
 * node knows a leader and its disk takes writes, 503 otherwise, with the reason) and {@code /status} (what the node believes,
 * as JSON: term, role, leader, commit and applied index, and per peer the leader's view).
 */
public final class HttpObservability implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;

    public HttpObservability(String host, int port, NodeMetrics metrics, Supplier<RaftStatus> status,
                             Supplier<Long> revision) throws IOException {
        this(host, port, metrics, status, revision, () -> null);
    }

    /** @param diskFailure why the node's disk takes no writes (a full disk, a failed fsync), or null */
    public HttpObservability(String host, int port, NodeMetrics metrics, Supplier<RaftStatus> status,
                             Supplier<Long> revision, Supplier<String> diskFailure) throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 16);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "parley-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/metrics", exchange -> {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            PrometheusTextFormatWriter.create().write(body, metrics.registry().scrape());
            respond(exchange, 200, PrometheusTextFormatWriter.CONTENT_TYPE, body.toByteArray());
        });
        server.createContext("/health", exchange -> {
            RaftStatus s = status.get();
            String disk = diskFailure.get();
            boolean healthy = s.leaderId() != 0 && disk == null;
            String text = disk != null ? "unhealthy: disk: " + disk + "\n"
                    : healthy ? "ok: leader n" + s.leaderId() + " term " + s.term() + "\n"
                    : "unhealthy: no leader known (term " + s.term() + ", role " + s.role() + ")\n";
            respond(exchange, healthy ? 200 : 503, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
        });
        server.createContext("/status", exchange -> {
            ObjectNode json = statusJson(status.get(), revision.get());
            extraStatusFields.forEach((field, value) -> json.set(field, value.get()));
            respond(exchange, 200, "application/json", JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
        });
        server.start();
    }

    /** What the node believes, as a JSON object (also what {@code parley cluster status} shows). */
    static ObjectNode statusJson(RaftStatus s, long revision) {
        ObjectNode node = JSON.createObjectNode();
        node.put("node", s.nodeId());
        node.put("term", s.term());
        node.put("role", s.role().name().toLowerCase());
        node.put("leader", s.leaderId());
        node.put("commitIndex", s.commitIndex());
        node.put("appliedIndex", s.appliedIndex());
        node.put("lastIndex", s.lastIndex());
        node.put("durableIndex", s.durableIndex());
        node.put("snapshotIndex", s.snapshotIndex());
        node.put("revision", revision);
        node.put("config", s.config().toString());
        if (s.role() == RaftRole.LEADER) {
            ObjectNode peers = node.putObject("peers");
            long nowNs = System.nanoTime();
            for (Map.Entry<Long, RaftStatus.PeerStatus> e : s.peers().entrySet()) {
                ObjectNode p = peers.putObject(Long.toString(e.getKey()));
                p.put("matchIndex", e.getValue().matchIndex());
                p.put("nextIndex", e.getValue().nextIndex());
                p.put("state", e.getValue().state());
                p.put("lastContactMsAgo", e.getValue().lastContactNs() == Long.MIN_VALUE || e.getValue().lastContactNs() == 0 ? -1
                        : (nowNs - e.getValue().lastContactNs()) / 1_000_000);
            }
        }
        return node;
    }

    private final Map<String, Supplier<com.fasterxml.jackson.databind.JsonNode>> extraStatusFields =
            new java.util.concurrent.ConcurrentSkipListMap<>();

    /** Adds {@code field} to every {@code /status} answer, computed when asked. */
    public void statusField(String field, Supplier<com.fasterxml.jackson.databind.JsonNode> value) {
        extraStatusFields.put(field, value);
    }

    /** A node's membership view as JSON: itself, then each member with state, incarnation and phi. */
    static com.fasterxml.jackson.databind.JsonNode membershipJson(MembershipRuntime.View view) {
        ObjectNode node = JSON.createObjectNode();
        if (view == null) return node;
        node.put("incarnation", view.selfIncarnation());
        node.put("localHealth", view.localHealthScore());
        ObjectNode members = node.putObject("members");
        for (MembershipRuntime.MemberView m : view.members()) {
            ObjectNode member = members.putObject(Long.toString(m.id()));
            member.put("address", m.address());
            member.put("state", m.state().name().toLowerCase());
            member.put("incarnation", m.incarnation());
            if (m.id() != view.selfId()) member.put("phi", Math.round(m.phi() * 100) / 100.0);
            if (m.suspicionConfirmations() >= 0) member.put("suspicionConfirmations", m.suspicionConfirmations());
        }
        var candidates = node.putArray("removalCandidates");
        view.removalCandidates().forEach(candidates::add);
        return node;
    }

    /** Serves {@code path} (and everything under it) with {@code handler}, next to the built-in pages. */
    public void addHandler(String path, com.sun.net.httpserver.HttpHandler handler) {
        server.createContext(path, handler);
    }

    /** The bound port (useful when configured with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange exchange, int code, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(code, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
