package parley.torture;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import parley.check.CheckReport;
import parley.check.EventType;

/** The run's summary as JSON ({@code summary.json}): options, verdicts, counts, latencies, faults. */
public final class ReportJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReportJson() {}

    public static ObjectNode summary(TortureResult r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("outcome", r.outcome().name().toLowerCase());
        root.put("exitCode", r.exitCode());
        ArrayNode failures = root.putArray("failures");
        r.failures().forEach(failures::add);
        TortureOptions o = r.options();
        ObjectNode options = root.putObject("options");
        options.put("nodes", o.nodes());
        options.put("durationMs", o.durationMs());
        options.put("clients", o.clients());
        options.put("watchers", o.watchers());
        options.put("keys", o.workload().keys());
        options.put("seed", o.seed());
        options.put("faultIntervalMs", o.faultIntervalMs());
        options.put("faultDurationMs", o.faultDurationMs());
        options.put("opTimeoutMs", o.opTimeoutMs());
        ArrayNode kinds = options.putArray("faults");
        o.faults().stream().map(FaultKind::cliName).sorted().forEach(kinds::add);
        options.put("serverCommand", String.join(" ", o.serverCommand()));

        ObjectNode ops = root.putObject("operations");
        ops.put("total", r.ops().size());
        ops.put("ok", r.count(EventType.OK));
        ops.put("fail", r.count(EventType.FAIL));
        ops.put("info", r.count(EventType.INFO));
        ops.put("perSecond", Math.round(r.opsPerSecond() * 10) / 10.0);
        ops.put("runMs", r.runNs() / 1_000_000);
        Map<String, Long> byKind = new TreeMap<>();
        for (Recorder.Op op : r.ops()) if (op.outcome() == EventType.OK) byKind.merge(op.kind(), 1L, Long::sum);
        ObjectNode okByKind = ops.putObject("okByKind");
        byKind.forEach(okByKind::put);
        ObjectNode latency = ops.putObject("okLatencyMs");
        latency.put("p50", r.latencyMsQuantile(0.5));
        latency.put("p99", r.latencyMsQuantile(0.99));
        latency.put("max", r.latencyMsQuantile(1.0));

        try {
            root.set("linearizability", JSON.readTree(CheckReport.json(r.linearizability())));
        } catch (IOException e) {
            throw new IllegalStateException("CheckReport writes valid JSON", e);
        }
        ObjectNode watches = root.putObject("watches");
        watches.put("passed", r.watches().passed());
        watches.put("revisionsChecked", r.watches().revisionsChecked());
        watches.put("acknowledgedWritesChecked", r.watches().writesChecked());
        watches.put("acknowledgedReadsChecked", r.watches().readsChecked());
        watches.put("problemCount", r.watches().problemCount());
        ArrayNode problems = watches.putArray("problems");
        r.watches().problems().forEach(problems::add);

        ObjectNode replicas = root.putObject("replicas");
        replicas.put("passed", r.replicas().passed());
        replicas.put("converged", r.replicas().converged());
        ArrayNode states = replicas.putArray("nodes");
        for (ReplicaCheck.NodeState s : r.replicas().states()) {
            ObjectNode n = states.addObject();
            n.put("node", s.node());
            n.put("appliedIndex", s.appliedIndex());
            n.put("revision", s.revision());
            n.put("hash", s.hash());
        }
        ArrayNode replicaProblems = replicas.putArray("problems");
        r.replicas().problems().forEach(replicaProblems::add);

        ArrayNode exits = root.putArray("unexpectedExits");
        r.unexpectedExits().forEach(exits::add);
        ArrayNode nemesisErrors = root.putArray("nemesisErrors");
        r.nemesisErrors().forEach(nemesisErrors::add);
        ArrayNode faults = root.putArray("faults");
        for (FaultWindow w : r.faults()) {
            ObjectNode f = faults.addObject();
            f.put("kind", w.kind().cliName());
            f.put("description", w.description());
            f.put("startMs", w.startNs() / 1_000_000);
            f.put("endMs", w.endNs() / 1_000_000);
        }
        root.put("history", r.historyFile().getFileName().toString());
        return root;
    }

    /** Every client operation, one JSON object a line: client, kind, keys, times (ms), outcome, node, what it saw or the error. */
    public static void writeOps(TortureResult r, Path file) throws IOException {
        try (java.io.Writer w = java.nio.file.Files.newBufferedWriter(file, java.nio.charset.StandardCharsets.UTF_8)) {
            for (Recorder.Op op : r.ops()) {
                ObjectNode n = JSON.createObjectNode();
                n.put("client", op.client());
                n.put("kind", op.kind());
                ArrayNode keys = n.putArray("keys");
                op.keys().forEach(keys::add);
                n.put("invokeMs", op.invokeNs() / 1e6);
                n.put("completeMs", op.completeNs() / 1e6);
                n.put("outcome", op.outcome().jsonName());
                n.put("node", op.node());
                n.put("detail", op.detail());
                w.write(JSON.writeValueAsString(n));
                w.write('\n');
            }
        }
    }

    public static void write(TortureResult r, Path file) throws IOException {
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), summary(r));
    }
}
