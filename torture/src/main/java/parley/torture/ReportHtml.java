package parley.torture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import parley.check.Operation;

/**
 * The run as one self-contained HTML page (inline CSS, JS and data; nothing fetched): the verdict and
 * each check, on failure the witness; a timeline of every client's operations with the fault windows
 * shaded and the witness's operations marked; throughput and latency over time; the faults injected.
 */
public final class ReportHtml {
    private static final List<String> KINDS = List.of("read", "write", "cas", "cas-mod", "txn-write", "txn-read");

    private ReportHtml() {}

    public static void write(TortureResult r, Path file) throws IOException {
        Files.writeString(file, render(r), StandardCharsets.UTF_8);
    }

    static String render(TortureResult r) {
        StringBuilder data = new StringBuilder(64 + r.ops().size() * 32);
        data.append("{\"clients\":").append(r.options().clients() + 1);
        data.append(",\"kinds\":[");
        for (int i = 0; i < KINDS.size(); i++) data.append(i == 0 ? "" : ",").append('"').append(KINDS.get(i)).append('"');
        data.append("],\"runMs\":").append(r.runNs() / 1_000_000);
        data.append(",\"ops\":[");
        boolean first = true;
        for (Recorder.Op op : r.ops()) {
            data.append(first ? "" : ",").append('[').append(op.client()).append(',').append(KINDS.indexOf(op.kind())).append(',')
                    .append(ms(op.invokeNs())).append(',').append(ms(op.completeNs())).append(',').append(op.outcome().ordinal() - 1)
                    .append(',').append(op.node()).append(']');
            first = false;
        }
        data.append("],\"faults\":[");
        first = true;
        for (FaultWindow w : r.faults()) {
            data.append(first ? "" : ",").append("[\"").append(w.kind().cliName()).append("\",").append(json(w.description())).append(',')
                    .append(ms(w.startNs())).append(',').append(ms(w.endNs())).append(']');
            first = false;
        }
        data.append("],\"witness\":[");
        if (r.linearizability().witness() != null) {
            first = true;
            for (Operation op : r.linearizability().witness().operations()) {
                long end = op.completeTimeNs() == Operation.UNBOUNDED || op.completeTimeNs() == Operation.NO_TIME ? -1 : ms(op.completeTimeNs());
                data.append(first ? "" : ",").append('[').append(clientOf(op.process(), r.options().clients() + 1)).append(',')
                        .append(ms(op.invokeTimeNs())).append(',').append(end).append(',').append(json(op.describe())).append(']');
                first = false;
            }
        }
        data.append("]}");
        return PAGE.replace("/*TITLE*/", esc("parley torture: " + r.outcome().name().toLowerCase(Locale.ROOT)))
                .replace("/*SUMMARY*/", summary(r))
                .replace("/*DATA*/", data.toString().replace("</", "<\\/"));
    }

    /** The client row an operation of {@code process} belongs to (processes move on after unknown outcomes; shadows carry an offset). */
    static int clientOf(int process, int clientRows) {
        return (process % ClientWorker.SHADOW_PROCESS_OFFSET) % clientRows;
    }

    private static String summary(TortureResult r) {
        StringBuilder h = new StringBuilder();
        String cls = switch (r.outcome()) { case VALID -> "ok"; case INVALID -> "bad"; case UNKNOWN -> "unk"; };
        h.append("<div class='banner ").append(cls).append("'>").append(r.outcome().name().toLowerCase(Locale.ROOT))
                .append(" (exit ").append(r.exitCode()).append(")");
        for (String f : r.failures()) h.append("<div class='why'>").append(esc(f)).append("</div>");
        h.append("</div>");
        TortureOptions o = r.options();
        h.append("<table class='kv'>");
        row(h, "cluster", o.nodes() + " nodes, " + o.clients() + " clients, " + o.watchers() + " watchers, " + o.workload().keys() + " keys");
        row(h, "run", String.format(Locale.ROOT, "%.1f s, seed %d, faults %s every %d ms held %d ms", r.runNs() / 1e9, o.seed(),
                o.faults().stream().map(FaultKind::cliName).sorted().toList(), o.faultIntervalMs(), o.faultDurationMs()));
        row(h, "operations", String.format(Locale.ROOT, "%d (%.0f/s): %d ok, %d fail, %d info (unknown)", r.ops().size(), r.opsPerSecond(),
                r.count(parley.check.EventType.OK), r.count(parley.check.EventType.FAIL), r.count(parley.check.EventType.INFO)));
        row(h, "latency of ok ops", String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms, max %.1f ms", r.latencyMsQuantile(0.5),
                r.latencyMsQuantile(0.99), r.latencyMsQuantile(1.0)));
        row(h, "server", String.join(" ", o.serverCommand()));
        h.append("</table>");

        h.append("<h2>Checks</h2><table class='checks'>");
        h.append("<tr><th>linearizability</th><td class='").append(r.linearizability().verdict() == parley.check.Verdict.LINEARIZABLE ? "ok" : "bad")
                .append("'>").append(esc(r.linearizability().verdict().reportName())).append("</td><td>").append(r.linearizability().ops())
                .append(" operations checked in ").append(r.linearizability().ms()).append(" ms (").append(esc(r.historyFile().getFileName().toString()))
                .append(")");
        if (r.linearizability().witness() != null) {
            h.append("<pre class='witness'>").append(esc(r.linearizability().witness().describe())).append("</pre>");
        }
        h.append("</td></tr>");
        h.append("<tr><th>watches and snapshots</th><td class='").append(r.watches().passed() ? "ok" : "bad").append("'>")
                .append(r.watches().passed() ? "passed" : r.watches().problemCount() + " problems").append("</td><td>")
                .append(r.watches().revisionsChecked()).append(" revisions, every watcher once and in order; ")
                .append(r.watches().writesChecked()).append(" acknowledged writes at their revision; ")
                .append(r.watches().readsChecked()).append(" acknowledged reads against the state at their revision");
        list(h, r.watches().problems());
        h.append("</td></tr>");
        h.append("<tr><th>replicas</th><td class='").append(r.replicas().passed() ? "ok" : "bad").append("'>")
                .append(r.replicas().passed() ? "same state" : "differ").append("</td><td>");
        for (ReplicaCheck.NodeState s : r.replicas().states()) {
            h.append("n").append(s.node()).append(": applied ").append(s.appliedIndex()).append(", revision ").append(s.revision())
                    .append(", hash ").append(esc(s.hash())).append("<br>");
        }
        list(h, r.replicas().problems());
        h.append("</td></tr>");
        h.append("<tr><th>server exits</th><td class='").append(r.unexpectedExits().isEmpty() ? "ok" : "bad").append("'>")
                .append(r.unexpectedExits().isEmpty() ? "none unasked" : r.unexpectedExits().size()).append("</td><td>");
        list(h, r.unexpectedExits());
        list(h, r.nemesisErrors());
        h.append("</td></tr></table>");
        return h.toString();
    }

    private static void row(StringBuilder h, String key, String value) {
        h.append("<tr><th>").append(esc(key)).append("</th><td>").append(esc(value)).append("</td></tr>");
    }

    private static void list(StringBuilder h, List<String> lines) {
        if (lines.isEmpty()) return;
        h.append("<ul>");
        for (String line : lines) h.append("<li>").append(esc(line)).append("</li>");
        h.append("</ul>");
    }

    private static long ms(long ns) {
        return ns / 1_000_000;
    }

    private static String json(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') out.append('\\').append(c);
            else if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
            else out.append(c);
        }
        return out.append('"').toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;");
    }

    private static final String PAGE = """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>/*TITLE*/</title>
            <style>
            body{font:14px system-ui,sans-serif;margin:20px;color:#222}
            h1{font-size:20px}h2{font-size:16px;margin-top:24px}
            .banner{padding:10px 14px;font-size:18px;font-weight:bold;border-radius:4px;color:#fff}
            .banner.ok{background:#2e7d32}.banner.bad{background:#c62828}.banner.unk{background:#757575}
            .why{font-size:14px;font-weight:normal}
            table{border-collapse:collapse;margin:8px 0}th,td{text-align:left;vertical-align:top;padding:4px 10px;border-bottom:1px solid #ddd}
            td.ok{color:#2e7d32;font-weight:bold}td.bad{color:#c62828;font-weight:bold}
            pre.witness{background:#fff3f3;border:1px solid #e0b0b0;padding:8px;white-space:pre-wrap}
            #timeline{border:1px solid #ccc;cursor:crosshair}
            .legend span{display:inline-block;margin-right:14px}.sw{display:inline-block;width:12px;height:12px;vertical-align:middle;margin-right:4px}
            #tip{position:fixed;background:#333;color:#fff;padding:4px 6px;font-size:12px;border-radius:3px;display:none;pointer-events:none}
            </style></head><body>
            <h1>parley torture</h1>
            /*SUMMARY*/
            <h2>Timeline</h2>
            <div class="legend"><span><i class="sw" style="background:#43a047"></i>ok</span><span><i class="sw" style="background:#fb8c00"></i>fail</span>
            <span><i class="sw" style="background:#8e24aa"></i>info (unknown)</span><span><i class="sw" style="background:rgba(229,57,53,.15)"></i>fault window</span>
            <span><i class="sw" style="background:#000"></i>witness operation</span></div>
            <canvas id="timeline" width="1200" height="300"></canvas>
            <h2>Throughput (operations completed per second)</h2><svg id="tput" width="1200" height="180"></svg>
            <h2>Latency of ok operations (ms, per second: median and max; log scale)</h2><svg id="lat" width="1200" height="180"></svg>
            <h2>Faults</h2><table id="faults"><tr><th>from (s)</th><th>to (s)</th><th>kind</th><th>what</th></tr></table>
            <div id="tip"></div>
            <script>
            const D = /*DATA*/;
            const W = 1200, L = 60, R = 10, span = D.ops.reduce((m, o) => Math.max(m, o[3]), Math.max(1, D.runMs));
            const x = t => L + (W - L - R) * t / span;
            const colors = ['#43a047', '#fb8c00', '#8e24aa'];
            (function timeline() {
              const c = document.getElementById('timeline'), rowH = Math.max(6, Math.min(24, 600 / D.clients));
              c.height = 30 + rowH * D.clients; const g = c.getContext('2d');
              g.font = '11px sans-serif';
              for (const f of D.faults) { g.fillStyle = 'rgba(229,57,53,.15)'; g.fillRect(x(f[2]), 0, Math.max(1, x(f[3]) - x(f[2])), c.height - 20);
                g.fillStyle = '#c62828'; g.fillText(f[0], x(f[2]) + 2, 10); }
              for (let i = 0; i < D.clients; i++) { g.fillStyle = '#555'; g.fillText(i == D.clients - 1 ? 'final' : 'c' + i, 4, 20 + i * rowH + rowH / 2); }
              for (const o of D.ops) { g.fillStyle = colors[o[4]]; const y = 14 + o[0] * rowH;
                g.fillRect(x(o[2]), y + 2, Math.max(1, x(o[3]) - x(o[2])), rowH - 4); }
              g.strokeStyle = '#000'; g.lineWidth = 2;
              for (const w of D.witness) { const y = 14 + w[0] * rowH, e = w[2] < 0 ? span : w[2];
                g.strokeRect(x(w[1]), y, Math.max(2, x(e) - x(w[1])), rowH); }
              g.fillStyle = '#555'; for (let s = 0; s <= span / 1000; s += Math.max(1, Math.round(span / 10000))) g.fillText(s + 's', x(s * 1000), c.height - 4);
              const tip = document.getElementById('tip');
              c.onmousemove = ev => { const r = c.getBoundingClientRect(), t = (ev.clientX - r.left - L) / (W - L - R) * span,
                  row = Math.floor((ev.clientY - r.top - 14) / rowH);
                const hit = D.ops.find(o => o[0] == row && o[2] <= t && t <= Math.max(o[3], o[2] + span / 600));
                const f = D.faults.filter(f => f[2] <= t && t <= f[3]).map(f => f[1]);
                const w = D.witness.filter(w => w[0] == row && w[1] <= t && (w[2] < 0 || t <= w[2])).map(w => 'witness: ' + w[3]);
                const text = [hit ? D.kinds[hit[1]] + ' on n' + hit[5] + ', ' + hit[2] + '..' + hit[3] + ' ms, ' + ['ok', 'fail', 'info'][hit[4]] : '', ...f, ...w].filter(s => s).join(' | ');
                tip.style.display = text ? 'block' : 'none'; tip.textContent = text; tip.style.left = (ev.clientX + 12) + 'px'; tip.style.top = (ev.clientY + 12) + 'px'; };
              c.onmouseleave = () => tip.style.display = 'none';
            })();
            function svg(id, series, logScale) {
              const s = document.getElementById(id), H = 180, B = 20, T = 10, ns = 'http://www.w3.org/2000/svg';
              const max = series.flatMap(q => q.values).reduce((m, v) => Math.max(m, v), 1);
              const y = v => logScale ? H - B - (H - B - T) * Math.log10(1 + v) / Math.log10(1 + max) : H - B - (H - B - T) * v / max;
              const add = (tag, attrs) => { const e = document.createElementNS(ns, tag); for (const k in attrs) e.setAttribute(k, attrs[k]); s.appendChild(e); return e; };
              for (const f of D.faults) add('rect', {x: x(f[2]), y: T, width: Math.max(1, x(f[3]) - x(f[2])), height: H - B - T, fill: 'rgba(229,57,53,.12)'});
              for (const q of series) add('polyline', {points: q.values.map((v, i) => x(i * 1000 + 500) + ',' + y(v)).join(' '), fill: 'none', stroke: q.color, 'stroke-width': 1.5});
              add('line', {x1: L, y1: H - B, x2: W - R, y2: H - B, stroke: '#999'});
              add('text', {x: 4, y: T + 10, 'font-size': 11}).textContent = Math.round(max);
              add('text', {x: 4, y: H - B, 'font-size': 11}).textContent = '0';
              let lx = L + 10; for (const q of series) { add('text', {x: lx, y: H - 4, 'font-size': 11, fill: q.color}).textContent = q.name; lx += 120; }
            }
            (function charts() {
              const n = Math.ceil(span / 1000) + 1, ok = new Array(n).fill(0), bad = new Array(n).fill(0), lat = [...Array(n)].map(() => []);
              for (const o of D.ops) { const b = Math.floor(o[3] / 1000); if (o[4] == 0) { ok[b]++; lat[b].push(o[3] - o[2]); } else bad[b]++; }
              svg('tput', [{name: 'ok', values: ok, color: '#43a047'}, {name: 'fail or info', values: bad, color: '#8e24aa'}], false);
              const med = lat.map(a => { if (!a.length) return 0; a.sort((p, q) => p - q); return a[Math.floor(a.length / 2)]; });
              const mx = lat.map(a => a.length ? a[a.length - 1] : 0);
              svg('lat', [{name: 'median', values: med, color: '#1e88e5'}, {name: 'max', values: mx, color: '#e53935'}], true);
              const t = document.getElementById('faults');
              for (const f of D.faults) { const r = t.insertRow(); for (const v of [(f[2] / 1000).toFixed(1), (f[3] / 1000).toFixed(1), f[0], f[1]]) r.insertCell().textContent = v; }
            })();
            </script></body></html>
            """;
}
