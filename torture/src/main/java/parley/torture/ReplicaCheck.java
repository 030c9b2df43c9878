package parley.torture;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * After the heal: every replica must reach the same applied index and, there, hold the same state.
 * Polls each node's {@code /state-hash} (applied index, revision and store hash, read together) until
 * all report the same applied index twice in a row, then compares revisions and hashes.
 */
public final class ReplicaCheck {
    /** One node's answer. */
    public record NodeState(int node, long appliedIndex, long revision, String hash) {}

    /** {@code converged}: all at one applied index within the time allowed; {@code problems} empty: same state too. */
    public record Result(boolean converged, List<NodeState> states, List<String> problems) {
        public boolean passed() { return problems.isEmpty(); }

        long revision() { return states.isEmpty() ? -1 : states.get(0).revision(); }
    }

    private ReplicaCheck() {}

    static Result await(LocalCluster cluster, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        List<NodeState> previous = null;
        List<NodeState> states = List.of();
        while (System.nanoTime() < deadline) {
            states = poll(cluster);
            if (states.size() == cluster.size() && sameApplied(states) && previous != null && sameApplied(previous)
                    && previous.get(0).appliedIndex() == states.get(0).appliedIndex()) {
                return new Result(true, states, compare(states));
            }
            previous = states.size() == cluster.size() ? states : null;
            Thread.sleep(300);
        }
        List<String> problems = new ArrayList<>();
        problems.add("replicas did not reach one applied index within " + timeoutMs + " ms: " + states);
        return new Result(false, states, problems);
    }

    private static List<NodeState> poll(LocalCluster cluster) {
        List<NodeState> out = new ArrayList<>();
        for (int i = 1; i <= cluster.size(); i++) {
            JsonNode h = NodeHttp.stateHash(cluster.httpPort(i));
            if (h != null) out.add(new NodeState(i, h.path("appliedIndex").asLong(), h.path("revision").asLong(), h.path("hash").asText()));
        }
        return out;
    }

    private static boolean sameApplied(List<NodeState> states) {
        return states.stream().map(NodeState::appliedIndex).distinct().count() == 1;
    }

    private static List<String> compare(List<NodeState> states) {
        List<String> problems = new ArrayList<>();
        NodeState first = states.get(0);
        for (NodeState s : states) {
            if (s.revision() != first.revision() || !s.hash().equals(first.hash())) {
                problems.add("at applied index " + s.appliedIndex() + ", n" + s.node() + " has revision " + s.revision() + " hash " + s.hash()
                        + " but n" + first.node() + " has revision " + first.revision() + " hash " + first.hash());
            }
        }
        return problems;
    }
}
