package parley.torture;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Real packet delay and loss on the loopback device, made by the kernel's traffic control. Only ever
 * used inside a private network namespace ({@code unshare -n}), where loopback belongs to the run
 * alone; on the machine's own loopback it would slow down everything else running there.
 *
 * <p>Two ways, whichever the kernel has: {@code netem} (fixed delay with jitter and random loss), or,
 * where the netem module is missing, {@code tbf} (a token bucket: loopback throttled to a few Mbit/s
 * with a short queue, so packets beyond the rate wait, and beyond the queue are dropped; delay and loss
 * then follow the load rather than a dice roll).
 */
public final class Netem {
    /** What this machine's kernel offers inside a namespace. */
    public enum Mode { NETEM, TBF, NONE }

    private static volatile Mode mode;

    private Netem() {}

    /** True when this machine lets us make a network namespace and impair its loopback one way or the other. */
    public static boolean available() {
        return mode() != Mode.NONE;
    }

    /** Probed once: netem if the kernel has it, else tbf, else none. */
    public static Mode mode() {
        Mode m = mode;
        if (m == null) {
            if (probe("netem delay 1ms")) m = Mode.NETEM;
            else if (probe("tbf rate 1mbit burst 32kbit latency 100ms")) m = Mode.TBF;
            else m = Mode.NONE;
            mode = m;
        }
        return m;
    }

    private static boolean probe(String qdisc) {
        return run(List.of("unshare", "-n", "sh", "-c", "ip link set lo up && tc qdisc add dev lo root " + qdisc + " && tc qdisc del dev lo root")) == 0;
    }

    /** Inside the namespace: bring loopback up (a new namespace starts with it down). */
    public static void loopbackUp() throws IOException {
        if (run(List.of("ip", "link", "set", "lo", "up")) != 0) throw new IOException("ip link set lo up failed");
    }

    /** Impairs loopback with parameters drawn from {@code random}; returns what it installed. */
    static String impair(SplittableRandom random) throws IOException {
        List<String> argv = new ArrayList<>(List.of("tc", "qdisc", "replace", "dev", "lo", "root"));
        String what;
        if (mode() == Mode.NETEM) {
            long delayMs = 5 + random.nextInt(50);
            long jitterMs = random.nextInt(20);
            int lossPercent = 1 + random.nextInt(15);
            argv.addAll(List.of("netem", "delay", delayMs + "ms", jitterMs + "ms", "loss", lossPercent + "%"));
            what = "netem on loopback: delay " + delayMs + "+-" + jitterMs + " ms, loss " + lossPercent + "%";
        } else {
            int rateKbit = 500 + random.nextInt(4_000);
            int queueMs = 10 + random.nextInt(100);
            argv.addAll(List.of("tbf", "rate", rateKbit + "kbit", "burst", "16kb", "latency", queueMs + "ms"));
            what = String.format(Locale.ROOT, "tbf on loopback: %d kbit/s, %d ms queue (packets beyond it dropped)", rateKbit, queueMs);
        }
        if (run(argv) != 0) throw new IOException(String.join(" ", argv) + " failed");
        return what;
    }

    static void heal() {
        run(List.of("tc", "qdisc", "del", "dev", "lo", "root")); // fails harmlessly when nothing is installed
    }

    private static int run(List<String> argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
