package parley.torture;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import parley.check.CheckReport;
import parley.check.CheckResult;
import parley.check.EventType;
import parley.check.Verdict;

/**
 * The outcome of a torture run: each check's result, what the nemesis did, what the clients did, and
 * the overall verdict with its exit code ({@code parley check}'s conventions: 0 valid, 1 invalid,
 * 3 unknown).
 */
public record TortureResult(TortureOptions options, long runNs, CheckResult linearizability, WatchCheck.Result watches,
                            ReplicaCheck.Result replicas, List<String> unexpectedExits, List<String> nemesisErrors,
                            List<FaultWindow> faults, List<Recorder.Op> ops, Path historyFile) {

    /** The overall verdict. */
    public enum Outcome { VALID, INVALID, UNKNOWN }

    public Outcome outcome() {
        if (!failures().isEmpty()) return Outcome.INVALID;
        if (linearizability.verdict() == Verdict.UNKNOWN || okCount() == 0) return Outcome.UNKNOWN;
        return Outcome.VALID;
    }

    public int exitCode() {
        return switch (outcome()) {
            case VALID -> CheckReport.EXIT_LINEARIZABLE;
            case INVALID -> CheckReport.EXIT_NOT_LINEARIZABLE;
            case UNKNOWN -> CheckReport.EXIT_UNKNOWN;
        };
    }

    /** One line per failed check, most important first; empty when nothing failed. */
    public List<String> failures() {
        List<String> out = new ArrayList<>();
        if (linearizability.verdict() == Verdict.NOT_LINEARIZABLE) out.add("history is not linearizable");
        if (!watches.passed()) out.add(watches.problemCount() + " watch/snapshot problems");
        if (!replicas.passed()) out.add(replicas.converged() ? "replicas hold different state" : "replicas did not converge");
        if (!unexpectedExits.isEmpty()) out.add(unexpectedExits.size() + " server exits nobody asked for");
        return out;
    }

    public boolean linearizable() {
        return linearizability.verdict() == Verdict.LINEARIZABLE;
    }

    public long okCount() {
        return ops.stream().filter(o -> o.outcome() == EventType.OK).count();
    }

    public long count(EventType type) {
        return ops.stream().filter(o -> o.outcome() == type).count();
    }

    /** Completed operations (any outcome) per second of the run. */
    public double opsPerSecond() {
        return runNs <= 0 ? 0 : ops.size() * 1e9 / runNs;
    }

    /** The {@code q}-quantile of successful operations' latency, in milliseconds. */
    public double latencyMsQuantile(double q) {
        long[] latencies = ops.stream().filter(o -> o.outcome() == EventType.OK).mapToLong(o -> o.completeNs() - o.invokeNs()).sorted().toArray();
        if (latencies.length == 0) return 0;
        return latencies[(int) Math.min(latencies.length - 1, Math.floor(q * latencies.length))] / 1e6;
    }
}
