package parley.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code parley cluster}: what each node of a running cluster believes, side by side. */
@Command(
        name = "cluster",
        mixinStandardHelpOptions = true,
        description = "Inspects a running Parley cluster through each node's HTTP side door.",
        subcommands = {ClusterCommand.StatusCommand.class})
final class ClusterCommand implements Runnable {
    static final String DEFAULT_HTTP = "127.0.0.1:9379,127.0.0.1:9479,127.0.0.1:9579";

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = {
                "Fetches /status from every node and prints each node's own view in its own column: term, role, "
                        + "the leader it believes in, commit and applied index, revision, membership, and, from a leader's "
                        + "view, each peer's match index and how long ago it last heard from it.",
                "Rows marked with * are where the reachable nodes disagree (term, leader, config); an unreachable node "
                        + "shows 'unreachable' in its column.",
                "Exit 0 when at least one node answered, 1 when none did."
            })
    static final class StatusCommand implements Callable<Integer> {
        @Option(names = "--http", defaultValue = DEFAULT_HTTP, paramLabel = "HOST:PORT[,HOST:PORT...]",
                description = "The nodes' HTTP addresses (default ${DEFAULT-VALUE}).")
        String http;

        @Option(names = "--timeout-ms", defaultValue = "2000", description = "How long to wait for each node (default ${DEFAULT-VALUE}).")
        long timeoutMs;

        @Option(names = "--json", description = "Print the nodes' /status answers as one JSON object keyed by address.")
        boolean json;

        @Override
        public Integer call() {
            if (timeoutMs < 1) throw new UserError("--timeout-ms must be positive, got " + timeoutMs);
            List<String> addresses = KvCommand.parseEndpoints("--http", http);
            Map<String, View> views = fetchAll(addresses, timeoutMs);
            PrintStream out = System.out;
            if (json) {
                ObjectNode root = MAPPER.createObjectNode();
                views.forEach((address, v) -> {
                    if (v.status != null) root.set(address, v.status);
                    else root.putObject(address).put("error", v.error);
                });
                out.println(root.toPrettyString());
            } else {
                out.print(render(views));
            }
            out.flush();
            return views.values().stream().anyMatch(v -> v.status != null) ? 0 : 1;
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One node's answer: its /status JSON, or why there is none. */
    record View(JsonNode status, String error) {}

    static Map<String, View> fetchAll(List<String> addresses, long timeoutMs) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(timeoutMs)).build();
        Map<String, CompletableFuture<HttpResponse<String>>> pending = new LinkedHashMap<>();
        for (String address : addresses) {
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + address + "/status"))
                    .timeout(Duration.ofMillis(timeoutMs)).GET().build();
            pending.put(address, client.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
        }
        Map<String, View> views = new LinkedHashMap<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs + 500);
        pending.forEach((address, future) -> views.put(address, await(future, deadline)));
        return views;
    }

    private static View await(CompletableFuture<HttpResponse<String>> future, long deadlineNs) {
        try {
            HttpResponse<String> resp = future.get(Math.max(1, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (resp.statusCode() != 200) return new View(null, "HTTP " + resp.statusCode());
            JsonNode node = MAPPER.readTree(resp.body());
            if (!node.isObject()) return new View(null, "bad /status answer");
            return new View(node, null);
        } catch (TimeoutException e) {
            future.cancel(true);
            return new View(null, "unreachable (timeout)");
        } catch (ExecutionException e) {
            return new View(null, "unreachable");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new View(null, "interrupted");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return new View(null, "bad /status answer");
        }
    }

    static String render(Map<String, View> views) {
        List<String> addresses = new ArrayList<>(views.keySet());
        List<String[]> rows = new ArrayList<>();
        List<Boolean> disagree = new ArrayList<>();
        rows.add(row("", addresses, a -> a));
        disagree.add(false);

        Function<JsonNode, String> nodeId = s -> text(s, "node");
        addRow(rows, disagree, "node", views, nodeId, false);
        addRow(rows, disagree, "term", views, s -> text(s, "term"), true);
        addRow(rows, disagree, "role", views, s -> text(s, "role"), false);
        addRow(rows, disagree, "leader", views, s -> s.path("leader").asLong(0) == 0 ? "none" : text(s, "leader"), true);
        addRow(rows, disagree, "commit index", views, s -> text(s, "commitIndex"), false);
        addRow(rows, disagree, "applied index", views, s -> text(s, "appliedIndex"), false);
        addRow(rows, disagree, "last index", views, s -> text(s, "lastIndex"), false);
        addRow(rows, disagree, "durable index", views, s -> text(s, "durableIndex"), false);
        addRow(rows, disagree, "snapshot index", views, s -> text(s, "snapshotIndex"), false);
        addRow(rows, disagree, "revision", views, s -> text(s, "revision"), false);
        addRow(rows, disagree, "stored / quota", views, s -> text(s, "storedBytes") + " / " + text(s, "quotaBackendBytes"), false);
        addRow(rows, disagree, "config", views, s -> text(s, "config").replaceFirst("^Config\\{(.*)}$", "$1"), true);

        Set<String> peers = new TreeSet<>(ClusterCommand::byNodeId);
        for (View v : views.values()) {
            if (v.status != null && v.status.path("peers").isObject()) v.status.path("peers").fieldNames().forEachRemaining(peers::add);
        }
        for (String peer : peers) {
            addRow(rows, disagree, "peer " + peer + " match", views, s -> peerField(s, peer, p -> text(p, "matchIndex") + " " + text(p, "state")), false);
            addRow(rows, disagree, "peer " + peer + " contact", views, s -> peerField(s, peer, p -> {
                long ms = p.path("lastContactMsAgo").asLong(-1);
                return ms < 0 ? "never" : ms + " ms ago";
            }), false);
        }

        // Every Raft group (the metadata group and one per keyspace besides the default's): who leads it, per node.
        Set<String> groups = new TreeSet<>(ClusterCommand::byNodeId);
        for (View v : views.values()) {
            if (v.status != null && v.status.path("groups").isObject()) v.status.path("groups").fieldNames().forEachRemaining(groups::add);
        }
        if (groups.size() > 1) {
            for (String group : groups) {
                String name = "";
                for (View v : views.values()) if (v.status != null && name.isEmpty()) name = v.status.path("groups").path(group).path("keyspace").asText("");
                addRow(rows, disagree, "group " + group + " " + name, views, s -> groupCell(s, group), s -> groupLeader(s, group));
            }
        }

        // SWIM membership: what each node believes about each member (state, incarnation, phi).
        Set<String> members = new TreeSet<>(ClusterCommand::byNodeId);
        for (View v : views.values()) {
            if (v.status != null) v.status.path("membership").path("members").fieldNames().forEachRemaining(members::add);
        }
        if (!members.isEmpty()) {
            addRow(rows, disagree, "swim health", views, s -> "local " + s.path("membership").path("localHealth").asText("?"), false);
        }
        for (String member : members) {
            addRow(rows, disagree, "member " + member, views, s -> memberCell(s, member), s -> memberField(s, member));
        }

        int columns = addresses.size() + 1;
        int[] width = new int[columns];
        for (String[] r : rows) for (int i = 0; i < columns; i++) width[i] = Math.max(width[i], r[i].length());
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            String[] cells = rows.get(r);
            StringBuilder line = new StringBuilder();
            line.append(disagree.get(r) ? "* " : "  ");
            for (int i = 0; i < columns; i++) {
                line.append(cells[i]);
                if (i < columns - 1) line.append(" ".repeat(width[i] - cells[i].length() + 3));
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        sb.append(summary(views));
        return sb.toString();
    }

    /** One node's view of one group: its role there, the leader it believes in, its applied index. */
    private static String groupCell(JsonNode status, String group) {
        JsonNode g = status.path("groups").path(group);
        if (g.isMissingNode()) return "not hosted";
        return g.path("role").asText("?").toLowerCase(java.util.Locale.ROOT) + ", leader " + groupLeader(status, group)
                + ", applied " + g.path("appliedIndex").asText("?");
    }

    private static String groupLeader(JsonNode status, String group) {
        long leader = status.path("groups").path(group).path("leader").asLong(0);
        return leader == 0 ? "none" : Long.toString(leader);
    }

    /** Node ids in numeric order (anything that is not a number after them, alphabetically). */
    private static int byNodeId(String a, String b) {
        try {
            return Long.compare(Long.parseLong(a), Long.parseLong(b));
        } catch (NumberFormatException e) {
            return a.compareTo(b);
        }
    }

    private static String[] row(String label, List<String> addresses, Function<String, String> cell) {
        String[] r = new String[addresses.size() + 1];
        r[0] = label;
        for (int i = 0; i < addresses.size(); i++) r[i + 1] = cell.apply(addresses.get(i));
        return r;
    }

    /** A row shown with {@code cell}, marked when the nodes' {@code compared} values differ. */
    private static void addRow(List<String[]> rows, List<Boolean> disagree, String label, Map<String, View> views,
            Function<JsonNode, String> cell, Function<JsonNode, String> compared) {
        addRow(rows, disagree, label, views, cell, false);
        Set<String> distinct = new LinkedHashSet<>();
        for (View v : views.values()) if (v.status != null) distinct.add(compared.apply(v.status).replace(" (self)", ""));
        disagree.set(disagree.size() - 1, distinct.size() > 1);
    }

    private static void addRow(List<String[]> rows, List<Boolean> disagree, String label, Map<String, View> views,
            Function<JsonNode, String> cell, boolean markDisagreement) {
        List<String> addresses = new ArrayList<>(views.keySet());
        boolean first = rows.size() == 1;
        rows.add(row(label, addresses, a -> {
            View v = views.get(a);
            if (v.status == null) return first ? v.error : "";
            return cell.apply(v.status);
        }));
        Set<String> distinct = new LinkedHashSet<>();
        for (View v : views.values()) if (v.status != null) distinct.add(cell.apply(v.status));
        disagree.add(markDisagreement && distinct.size() > 1);
    }

    /** "alive #3 phi 0.4": one node's belief about one member; phi is left out of the disagreement mark. */
    private static String memberField(JsonNode status, String member) {
        JsonNode m = status.path("membership").path("members").path(member);
        if (!m.isObject()) return "-";
        String belief = text(m, "state") + " #" + text(m, "incarnation");
        return status.path("node").asText().equals(member) ? belief + " (self)" : belief;
    }

    /** The member rows with phi, for display: the agreement check above compares state and incarnation only. */
    private static String memberCell(JsonNode status, String member) {
        JsonNode m = status.path("membership").path("members").path(member);
        String belief = memberField(status, member);
        return m.has("phi") ? belief + " phi " + m.path("phi").asText() : belief;
    }

    private static String peerField(JsonNode status, String peer, Function<JsonNode, String> f) {
        JsonNode peers = status.path("peers");
        if (!peers.isObject()) return "-";
        if (status.path("node").asText().equals(peer)) return "(self)";
        JsonNode p = peers.path(peer);
        return p.isObject() ? f.apply(p) : "-";
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? "?" : v.asText();
    }

    /** One line on what the nodes agree on, or where they do not. */
    static String summary(Map<String, View> views) {
        int reachable = 0;
        List<String> leaders = new ArrayList<>();
        Map<String, List<String>> believed = new LinkedHashMap<>();
        long maxTerm = 0;
        for (View v : views.values()) {
            if (v.status == null) continue;
            reachable++;
            String id = text(v.status, "node");
            long term = v.status.path("term").asLong();
            maxTerm = Math.max(maxTerm, term);
            if ("leader".equals(v.status.path("role").asText())) leaders.add("node " + id + " (term " + term + ")");
            long leader = v.status.path("leader").asLong(0);
            believed.computeIfAbsent(leader == 0 ? "none" : "node " + leader, k -> new ArrayList<>()).add(id);
        }
        StringBuilder sb = new StringBuilder("\n");
        sb.append(reachable).append(" of ").append(views.size()).append(" nodes answered");
        if (reachable == 0) return sb.append(".\n").toString();
        sb.append("; ");
        if (leaders.isEmpty()) sb.append("no node claims to lead");
        else if (leaders.size() == 1) sb.append("leader: ").append(leaders.get(0));
        else sb.append(leaders.size()).append(" nodes claim to lead: ").append(String.join(", ", leaders));
        if (believed.size() == 1) {
            sb.append("; all agree on ").append(believed.keySet().iterator().next().equals("none") ? "having no leader" : "the leader");
        } else {
            List<String> parts = new ArrayList<>();
            believed.forEach((leader, ids) -> parts.add((ids.size() == 1 ? "node " : "nodes ") + String.join(",", ids) + " -> " + leader));
            sb.append("; nodes disagree on the leader: ").append(String.join(", ", parts));
        }
        return sb.append(".\n").toString();
    }
}
