package parley.check;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders {@link CheckResult}s for people and for programs, and folds a run's outcomes into an exit
 * code.
 *
 * <p>Human form: {@code etcd_000.jsonl: not-linearizable (85 ops, 12 ms)} followed, for a
 * violation, by the witness indented by two spaces. JSON form: one object per line,
 * {@code {"file": ..., "verdict": ..., "ops": N, "ms": T}}, plus a {@code "witness"} object
 * ({@code key}, {@code operations} as invoke lines, {@code description} as lines of text) when not
 * linearizable.
 */
public final class CheckReport {
    /** Every history is linearizable. */
    public static final int EXIT_LINEARIZABLE = 0;
    /** Some history is not linearizable. */
    public static final int EXIT_NOT_LINEARIZABLE = 1;
    /** Some input was malformed or unreadable. Takes precedence: the run did not judge everything. */
    public static final int EXIT_MALFORMED = 2;
    /** No history is known to be non-linearizable, but a budget ran out on some. */
    public static final int EXIT_UNKNOWN = 3;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CheckReport() {}

    /** The human report: one line, then the indented witness lines if there is one. */
    public static List<String> humanLines(CheckResult result) {
        List<String> lines = new ArrayList<>();
        lines.add(result.file() + ": " + result.verdict().reportName() + " (" + result.ops() + " ops, " + result.ms() + " ms)");
        if (result.witness() != null) {
            result.witness().lines().forEach(line -> lines.add("  " + line));
        }
        return List.copyOf(lines);
    }

    /** The JSON report: a single-line JSON object. */
    public static String json(CheckResult result) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("file", result.file());
        node.put("verdict", result.verdict().reportName());
        node.put("ops", result.ops());
        node.put("ms", result.ms());
        if (result.witness() != null) {
            Witness witness = result.witness();
            ObjectNode witnessNode = node.putObject("witness");
            witnessNode.put("key", witness.key());
            ArrayNode operationLines = witnessNode.putArray("operations");
            witness.operations().forEach(operation -> operationLines.add(operation.invokeLine()));
            ArrayNode description = witnessNode.putArray("description");
            witness.lines().forEach(description::add);
        }
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always serializes", e);
        }
    }

    /**
     * The exit code of a run: malformed input (2) over any violation (1) over any unknown (3) over
     * all linearizable (0).
     */
    public static int exitCode(List<CheckResult> results, boolean anyMalformed) {
        if (anyMalformed) {
            return EXIT_MALFORMED;
        }
        if (results.stream().anyMatch(result -> result.verdict() == Verdict.NOT_LINEARIZABLE)) {
            return EXIT_NOT_LINEARIZABLE;
        }
        if (results.stream().anyMatch(result -> result.verdict() == Verdict.UNKNOWN)) {
            return EXIT_UNKNOWN;
        }
        return EXIT_LINEARIZABLE;
    }
}
