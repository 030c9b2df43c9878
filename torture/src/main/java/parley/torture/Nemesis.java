package parley.torture;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

/**
 * Injects faults on a seeded schedule, one at a time: wait, pick a fault kind and its targets with the
 * seeded random source, inject it, hold it for the fault duration, heal it, record the window. The
 * schedule (kinds, targets, parameters, times) follows from the seed; which node is leader when a fault
 * aims at the leader depends on the run.
 */
final class Nemesis implements Runnable {
    private final LocalCluster cluster;
    private final List<FaultKind> kinds;
    private final long intervalMs;
    private final long durationMs;
    private final SplittableRandom random;
    private final Recorder clock;
    private final BooleanSupplier stop;
    private final List<FaultWindow> windows = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();

    /** An injected fault: what it did, and how to undo it. */
    private record Injected(String description, List<Integer> nodes, Healer healer) {}

    @FunctionalInterface
    private interface Healer {
        void heal() throws IOException, InterruptedException;
    }

    Nemesis(LocalCluster cluster, Set<FaultKind> kinds, long intervalMs, long durationMs, long seed, Recorder clock, BooleanSupplier stop) {
        this.cluster = cluster;
        this.kinds = List.copyOf(kinds);
        this.intervalMs = intervalMs;
        this.durationMs = durationMs;
        this.random = new SplittableRandom(seed);
        this.clock = clock;
        this.stop = stop;
    }

    synchronized List<FaultWindow> windows() { return List.copyOf(windows); }

    synchronized List<String> errors() { return List.copyOf(errors); }

    @Override
    public void run() {
        if (kinds.isEmpty()) return;
        try {
            while (sleepUnlessStopped(intervalMs - durationMs)) {
                FaultKind kind = kinds.get(random.nextInt(kinds.size()));
                long startNs = clock.nowNs();
                Injected injected;
                try {
                    injected = inject(kind);
                } catch (IOException e) {
                    synchronized (this) {
                        errors.add(kind.cliName() + ": could not inject: " + e.getMessage());
                    }
                    continue;
                }
                sleepUnlessStopped(durationMs);
                try {
                    injected.healer().heal();
                } catch (IOException e) {
                    synchronized (this) {
                        errors.add(kind.cliName() + ": could not heal: " + e.getMessage());
                    }
                }
                synchronized (this) {
                    windows.add(new FaultWindow(kind, injected.description(), injected.nodes(), startNs, clock.nowNs()));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Injected inject(FaultKind kind) throws IOException, InterruptedException {
        int n = cluster.size();
        return switch (kind) {
            case KILL -> {
                int node = leaderOrRandom();
                cluster.process(node).kill();
                yield new Injected("kill -9 n" + node, List.of(node), () -> cluster.process(node).start());
            }
            case PAUSE -> {
                int node = leaderOrRandom();
                cluster.process(node).pause();
                yield new Injected("SIGSTOP n" + node, List.of(node), () -> cluster.process(node).resume());
            }
            case PARTITION -> {
                List<Integer> order = shuffled();
                int minority = 1 + random.nextInt((n - 1) / 2);
                List<Integer> small = order.subList(0, minority);
                List<Integer> large = order.subList(minority, n);
                cutBetween(small, large);
                yield new Injected("partition " + small + " | " + large, List.copyOf(small), cluster::healLinks);
            }
            case ISOLATE_LEADER -> {
                int node = leaderOr(random.nextInt(n) + 1);
                List<Integer> others = new ArrayList<>();
                for (int i = 1; i <= n; i++) if (i != node) others.add(i);
                cutBetween(List.of(node), others);
                yield new Injected("isolate leader n" + node, List.of(node), cluster::healLinks);
            }
            case ONE_WAY -> {
                int node = leaderOrRandom();
                boolean deaf = random.nextBoolean();
                for (int i = 1; i <= n; i++) {
                    if (i == node) continue;
                    if (deaf) cluster.link(i, node).cut(true);
                    else cluster.link(node, i).cut(true);
                }
                yield new Injected(deaf ? "n" + node + " hears nobody (others hear it)" : "nobody hears n" + node + " (it hears them)",
                        List.of(node), cluster::healLinks);
            }
            case BRIDGE -> {
                List<Integer> order = shuffled();
                int bridge = order.get(0);
                List<Integer> rest = order.subList(1, n);
                List<Integer> left = rest.subList(0, rest.size() / 2);
                List<Integer> right = rest.subList(rest.size() / 2, rest.size());
                cutBetween(left, right);
                yield new Injected("bridge " + left + " - n" + bridge + " - " + right, List.of(bridge), cluster::healLinks);
            }
            case DELAY -> {
                long delayMs = 20 + random.nextInt(180);
                long jitterMs = random.nextInt(60);
                int node = random.nextInt(n + 1); // 0: every link
                for (LinkProxy link : cluster.links()) {
                    if (node == 0 || link.from() == node || link.to() == node) link.delay(delayMs, jitterMs);
                }
                yield new Injected("delay " + delayMs + "+-" + jitterMs + " ms on " + (node == 0 ? "all links" : "links of n" + node),
                        node == 0 ? List.of() : List.of(node), cluster::healLinks);
            }
            case FLAKY -> {
                int node = random.nextInt(n) + 1;
                double p = 0.02 + random.nextDouble() * 0.15;
                for (LinkProxy link : cluster.links()) if (link.from() == node || link.to() == node) link.flaky(p);
                yield new Injected(String.format(java.util.Locale.ROOT, "flaky links of n%d (reset p=%.2f per chunk)", node, p), List.of(node), cluster::healLinks);
            }
            case CLOCK -> {
                int node = leaderOrRandom();
                long offsetMs = random.nextBoolean() ? 500 + random.nextInt(10_000) : -(500 + random.nextInt(3_000));
                double rate = new double[] {0.5, 1.0, 2.0, 4.0}[random.nextInt(4)];
                cluster.fault(node, "/fault/clock?offsetMs=" + offsetMs + "&rate=" + rate);
                yield new Injected("clock of n" + node + " steps " + offsetMs + " ms, runs at x" + rate, List.of(node),
                        () -> resetFaults(node));
            }
            case FSYNC -> {
                int node = leaderOrRandom();
                long delayMs = new long[] {20, 100, 500, 3_000}[random.nextInt(4)];
                cluster.fault(node, "/fault/fsync?delayMs=" + delayMs);
                yield new Injected((delayMs >= 1_000 ? "stalled" : "slow") + " fsync on n" + node + " (+" + delayMs + " ms)", List.of(node),
                        () -> resetFaults(node));
            }
            case NETEM -> new Injected(Netem.impair(random), List.of(), Netem::heal);
        };
    }

    /** Back to a plain clock and disk on {@code node}; a node that is down has nothing to reset (a restart starts plain). */
    private void resetFaults(int node) {
        try {
            cluster.fault(node, "/fault/reset");
        } catch (IOException e) {
            // down or paused: it comes back without faults, or the final heal resets it
        }
    }

    private void cutBetween(List<Integer> a, List<Integer> b) {
        for (int x : a) {
            for (int y : b) {
                cluster.link(x, y).cut(true);
                cluster.link(y, x).cut(true);
            }
        }
    }

    /** Half the time the leader (the node whose failure hurts most), otherwise any node. */
    private int leaderOrRandom() {
        int any = random.nextInt(cluster.size()) + 1;
        return random.nextBoolean() ? leaderOr(any) : any;
    }

    private int leaderOr(int fallback) {
        int leader = cluster.leader();
        return leader == 0 ? fallback : leader;
    }

    private List<Integer> shuffled() {
        List<Integer> order = new ArrayList<>();
        for (int i = 1; i <= cluster.size(); i++) order.add(i);
        Collections.shuffle(order, random); // Fisher-Yates over the seeded source
        return order;
    }

    private boolean sleepUnlessStopped(long ms) throws InterruptedException {
        long deadline = System.nanoTime() + ms * 1_000_000L;
        while (!stop.getAsBoolean()) {
            long leftNs = deadline - System.nanoTime();
            if (leftNs <= 0) return true;
            Thread.sleep(Math.min(50, Math.max(1, leftNs / 1_000_000L)));
        }
        return false;
    }
}
