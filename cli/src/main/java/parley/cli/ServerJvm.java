package parley.cli;

import java.util.List;

/**
 * How a server process's JVM collects garbage, for every place that starts one ({@code ./parley
 * server} and {@code dev} through the launcher, torture runs, benchmarks, tests).
 *
 * <p>G1 with a 20 ms pause goal, not the parallel collector the simulator and the tools use: a
 * server's pauses are its clients' tail latency and, past an election timeout, its leadership. On
 * this project's 2-core machine, three dev nodes under 1,000 puts/s from 200 clients had young
 * pauses of 30-140 ms with the parallel collector (slowest request 281-428 ms) and a slowest
 * request of 106 ms with G1, at a third less resident memory; closed-loop throughput at 64 clients
 * stayed within the machine's noise for puts and fell by about 8% for gets (BENCHMARKS.md).
 */
final class ServerJvm {
    static final List<String> COLLECTOR_FLAGS = List.of("-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20");

    private ServerJvm() {}
}
