package parley.torture;

import java.util.List;

/**
 * One fault as it was injected: what, on which nodes, from when to when (nanoseconds since the run
 * began; {@code endNs} is when it was healed).
 */
public record FaultWindow(FaultKind kind, String description, List<Integer> nodes, long startNs, long endNs) {}
