package parley.torture;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports that are free now and stay free of port-0 binds: drawn below Linux's ephemeral range
 * (32768-60999), where sockets bound to port 0 never land, so a port handed out here cannot be taken
 * by another listener of the same run between this check and its use.
 */
public final class FreePorts {
    private static final int LOW = 20_000;
    private static final int HIGH = 32_000;
    private static final int ATTEMPTS_MAX = 2_000;

    private FreePorts() {}

    /** {@code count} distinct ports on loopback that nobody listened on a moment ago. */
    public static int[] pick(int count) throws IOException {
        int[] ports = new int[count];
        Set<Integer> taken = new HashSet<>();
        for (int i = 0; i < count; i++) {
            ports[i] = pickOne(taken);
            taken.add(ports[i]);
        }
        return ports;
    }

    private static int pickOne(Set<Integer> taken) throws IOException {
        for (int attempt = 0; attempt < ATTEMPTS_MAX; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOW, HIGH);
            if (taken.contains(port)) continue;
            try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException inUse) {
                // try another
            }
        }
        throw new IOException("no free port between " + LOW + " and " + HIGH + " after " + ATTEMPTS_MAX + " attempts");
    }
}
