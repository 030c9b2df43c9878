package parley.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import parley.membership.sim.RunReport;
import parley.membership.sim.Scenario;
import parley.membership.sim.ScenarioRunner;
import parley.membership.sim.SvgPlot;
import parley.membership.sim.WorldConfig;

/**
 * {@code parley sim membership --sweep}: detection and dissemination time against cluster size (SWIM
 * predicts O(log N)), and false positives against message loss with and without Lifeguard; printed as
 * tables and, with {@code --plot DIR}, drawn as SVG.
 */
final class MembershipSweep {
    static final int[] SIZES = {50, 100, 200, 500, 1000, 2000};
    static final double[] LOSSES = {0, 0.01, 0.02, 0.05, 0.10, 0.20};
    static final int FALSE_POSITIVE_NODES = 100;
    static final long FALSE_POSITIVE_RUN_MS = 600_000;

    private final PrintStream out;
    private final int threads;
    private final List<Long> seeds;
    private final WorldConfig base;
    private final Scenario scenario;
    private final Path plotDir;

    MembershipSweep(PrintStream out, int threads, List<Long> seeds, WorldConfig base, Scenario scenario, Path plotDir) {
        this.out = out;
        this.threads = threads;
        this.seeds = seeds;
        this.base = base;
        this.scenario = scenario.crashes() == 0 ? new Scenario(1, scenario.warmupMs(), scenario.minDurationMs(), scenario.maxDurationMs()) : scenario;
        this.plotDir = plotDir;
    }

    int run() {
        long startNs = System.nanoTime();
        detectionAgainstSize();
        falsePositivesAgainstLoss();
        out.printf(Locale.ROOT, "sweep done in %.1f s%n", (System.nanoTime() - startNs) / 1e9);
        return 0;
    }

    private void detectionAgainstSize() {
        out.printf(Locale.ROOT, "detection against N: loss %.1f%%, %d crash(es), lifeguard %s, %d seed(s) per point (medians)%n",
                base.lossProbability() * 100, scenario.crashes(), base.swim().lifeguard() ? "on" : "off", seeds.size());
        out.printf("%7s %14s %14s %14s %9s %9s%n", "N", "first-detect", "all-suspect", "all-dead", "msg/n/s", "wall-s");
        double[] x = new double[SIZES.length];
        double[] first = new double[SIZES.length];
        double[] aware = new double[SIZES.length];
        double[] dead = new double[SIZES.length];
        double[] timeoutMin = new double[SIZES.length];
        for (int i = 0; i < SIZES.length; i++) {
            int n = SIZES[i];
            long wallStart = System.nanoTime();
            List<RunReport> reports = SeedRunner.run(seeds, threads, seed -> ScenarioRunner.run(base.withNodes(n).withSeed(seed), scenario), r -> {});
            x[i] = n;
            first[i] = medianSeconds(reports, RunReport::firstDetectionNsMean);
            aware[i] = medianSeconds(reports, RunReport::allAwareNsMax);
            dead[i] = medianSeconds(reports, RunReport::allDeadNsMax);
            timeoutMin[i] = base.swim().suspicionTimeoutMinNs(n) / 1e9;
            double messages = reports.stream().mapToDouble(RunReport::messagesPerNodeSecond).average().orElse(0);
            out.printf(Locale.ROOT, "%7d %13.2fs %13.2fs %13.2fs %9.2f %9.1f%n", n, first[i], aware[i], dead[i], messages, (System.nanoTime() - wallStart) / 1e9);
        }
        if (plotDir == null) return;
        double period = base.swim().probeIntervalMs() / 1000.0;
        String svg = new SvgPlot("Crash detection and dissemination vs cluster size (median of " + seeds.size() + " seeds, "
                + percent(base.lossProbability()) + " loss)", "cluster size N", "seconds (protocol period " + period + " s)", true)
                .add(new SvgPlot.Series("first detection", x, first, false))
                .add(new SvgPlot.Series("all suspect", x, aware, false))
                .add(new SvgPlot.Series("all DEAD", x, dead, false))
                .add(new SvgPlot.Series("min suspicion timeout", x, timeoutMin, true))
                .render();
        Path file = plotDir.resolve("membership-detection-vs-n.svg");
        SimMembershipCommand.writeFile(file, svg);
        out.println("wrote " + file);
    }

    private void falsePositivesAgainstLoss() {
        double slowFraction = base.slowFraction() > 0 ? base.slowFraction() : 0.1;
        out.printf(Locale.ROOT, "false positives against loss: N=%d, %.0f%% slow nodes (%d ms inbound delay, stalls up to %d ms), %d min per run, %d seed(s) per point%n",
                FALSE_POSITIVE_NODES, slowFraction * 100, base.slowInboundDelayMsMean(), base.slowPauseMsMax(), FALSE_POSITIVE_RUN_MS / 60_000, seeds.size());
        out.printf("%7s %10s %18s %18s %18s %9s%n", "loss", "lifeguard", "false-susp/node-h", "of-healthy/node-h", "false-rem/node-h", "msg/n/s");
        double[] x = new double[LOSSES.length];
        double[][] suspicions = new double[2][LOSSES.length];
        double[][] removals = new double[2][LOSSES.length];
        Scenario quiet = new Scenario(0, 0, FALSE_POSITIVE_RUN_MS, FALSE_POSITIVE_RUN_MS);
        for (int i = 0; i < LOSSES.length; i++) {
            x[i] = LOSSES[i] * 100;
            for (int mode = 0; mode < 2; mode++) {
                boolean lifeguard = mode == 0;
                double loss = LOSSES[i];
                WorldConfig config = base.withNodes(FALSE_POSITIVE_NODES).withLoss(loss).withSlowFraction(slowFraction).withLifeguard(lifeguard);
                List<RunReport> reports = SeedRunner.run(seeds, threads, seed -> ScenarioRunner.run(config.withSeed(seed), quiet), r -> {});
                double nodeHours = reports.stream().mapToDouble(RunReport::nodeHours).sum();
                double all = reports.stream().mapToLong(RunReport::falseSuspicions).sum() / nodeHours;
                double healthy = reports.stream().mapToLong(RunReport::falseSuspicionsOfHealthy).sum() / nodeHours;
                double removed = reports.stream().mapToLong(RunReport::falseDeaths).sum() / nodeHours;
                double messages = reports.stream().mapToDouble(RunReport::messagesPerNodeSecond).average().orElse(0);
                suspicions[mode][i] = healthy;
                removals[mode][i] = removed;
                out.printf(Locale.ROOT, "%6.1f%% %10s %18.2f %18.2f %18.3f %9.2f%n", x[i], lifeguard ? "on" : "off", all, healthy, removed, messages);
            }
        }
        if (plotDir == null) return;
        String setting = "N=" + FALSE_POSITIVE_NODES + ", " + Math.round(slowFraction * 100) + "% slow nodes, " + seeds.size() + " x "
                + FALSE_POSITIVE_RUN_MS / 60_000 + " min";
        Path suspicionsFile = plotDir.resolve("membership-false-suspicions-vs-loss.svg");
        SimMembershipCommand.writeFile(suspicionsFile, new SvgPlot("False suspicions of healthy members vs loss (" + setting + ")",
                "message loss (%)", "suspicions per node-hour", false)
                .add(new SvgPlot.Series("Lifeguard", x, suspicions[0], false))
                .add(new SvgPlot.Series("plain SWIM", x, suspicions[1], true))
                .render());
        Path removalsFile = plotDir.resolve("membership-false-removals-vs-loss.svg");
        SimMembershipCommand.writeFile(removalsFile, new SvgPlot("False removals (live member declared DEAD) vs loss (" + setting + ")",
                "message loss (%)", "false removals per node-hour", false)
                .add(new SvgPlot.Series("Lifeguard", x, removals[0], false))
                .add(new SvgPlot.Series("plain SWIM", x, removals[1], true))
                .render());
        out.println("wrote " + suspicionsFile + " and " + removalsFile);
    }

    private static double medianSeconds(List<RunReport> reports, java.util.function.ToLongFunction<RunReport> metric) {
        long[] values = reports.stream().mapToLong(metric).filter(v -> v >= 0).sorted().toArray();
        return values.length == 0 ? Double.NaN : values[values.length / 2] / 1e9;
    }

    private static String percent(double probability) {
        return String.format(Locale.ROOT, "%.0f%%", probability * 100);
    }
}
