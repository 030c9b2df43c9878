package parley.torture;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real packet loss and delay with {@code tc netem} on the loopback device. Only ever used inside a
 * private network namespace ({@code unshare -n}), where loopback belongs to the run alone; on the
 * machine's own loopback it would slow down everything else running there.
 */
public final class Netem {
    private Netem() {}

    /** True when this machine lets us make a network namespace and put netem on its loopback. */
    public static boolean available() {
        return run(List.of("unshare", "-n", "sh", "-c", "ip link set lo up && tc qdisc add dev lo root netem delay 1ms && tc qdisc del dev lo root")) == 0;
    }

    /** Inside the namespace: bring loopback up (a new namespace starts with it down). */
    public static void loopbackUp() throws IOException {
        if (run(List.of("ip", "link", "set", "lo", "up")) != 0) throw new IOException("ip link set lo up failed");
    }

    /** Delay every packet on loopback {@code delayMs} +- {@code jitterMs} and lose {@code lossPercent} of them. */
    static void impair(long delayMs, long jitterMs, double lossPercent) throws IOException {
        List<String> argv = new ArrayList<>(List.of("tc", "qdisc", "replace", "dev", "lo", "root", "netem",
                "delay", delayMs + "ms", jitterMs + "ms", "loss", String.format(java.util.Locale.ROOT, "%.1f%%", lossPercent)));
        if (run(argv) != 0) throw new IOException(String.join(" ", argv) + " failed");
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
