package parley.torture;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP proxy for one directed link between two servers, {@code from -> to}, that the nemesis controls.
 * The peer transport carries each node's messages to a peer over a connection that the sender dials
 * (see parley.transport), so node {@code from} is configured to dial this proxy instead of {@code to};
 * everything {@code from} says to {@code to} passes here, and nothing else does.
 *
 * <p>Faults, each independent of the others:
 * <ul>
 *   <li><b>cut</b>: connections open at the moment are reset, new ones are accepted and then ignored
 *       (bytes read and thrown away, nothing forwarded): the sender's messages vanish without an error,
 *       as in a partition. Healing resets the ignored connections so the sender redials a clean stream.
 *   <li><b>delay</b>: every chunk is held {@code delayMs} plus up to {@code jitterMs} before it is
 *       forwarded; order is kept, as TCP keeps it.
 *   <li><b>flaky</b>: each chunk read from the sender resets the connection with a probability, losing
 *       the chunk and whatever the sender had queued: the stream analogue of packet loss.
 * </ul>
 */
public final class LinkProxy implements AutoCloseable {
    private static final int CHUNK_BYTES_MAX = 64 * 1024;

    private final int from;
    private final int to;
    private final int targetPort;
    /** Where the sender dials. */
    final int listenPort;
    private final ServerSocket server;
    private final Set<Pipe> pipes = ConcurrentHashMap.newKeySet();
    private final SplittableRandom random;
    private volatile boolean cut;
    private volatile long delayMs;
    private volatile long jitterMs;
    private volatile double resetProbability;
    private volatile boolean closed;

    /** Listens on {@code listenPort} (loopback) and forwards to {@code targetPort} on loopback. */
    public LinkProxy(int from, int to, int listenPort, int targetPort, long seed) throws IOException {
        this.from = from;
        this.to = to;
        this.targetPort = targetPort;
        this.listenPort = listenPort;
        this.random = new SplittableRandom(seed);
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort), 64);
        Thread.ofVirtual().name("proxy-" + from + "-" + to).start(this::acceptLoop);
    }

    public int from() { return from; }

    public int to() { return to; }

    /** Cuts ({@code true}) or restores the link; either way the connections it made useless are reset. */
    public void cut(boolean value) {
        if (cut == value) return;
        cut = value;
        for (Pipe pipe : pipes) {
            if (value || pipe.ignored) pipe.close();
        }
    }

    public boolean isCut() { return cut; }

    /** Holds every chunk {@code delayMs} plus a uniform {@code 0..jitterMs} before forwarding it. */
    public void delay(long delayMs, long jitterMs) {
        this.delayMs = delayMs;
        this.jitterMs = jitterMs;
    }

    /** Each chunk from the sender resets the connection with this probability (0: never). */
    public void flaky(double probability) {
        this.resetProbability = probability;
    }

    /** No cut, no delay, no resets. */
    public void heal() {
        cut(false);
        delay(0, 0);
        flaky(0);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket accepted = server.accept();
                accepted.setTcpNoDelay(true);
                Pipe pipe = new Pipe(accepted);
                pipes.add(pipe);
                pipe.start();
            } catch (IOException e) {
                if (closed) return;
            }
        }
    }

    private long nextDelayNs() {
        long base = delayMs;
        long jitter = jitterMs;
        if (base == 0 && jitter == 0) return 0;
        long extra;
        synchronized (random) {
            extra = jitter == 0 ? 0 : random.nextLong(jitter + 1);
        }
        return (base + extra) * 1_000_000L;
    }

    private boolean drawReset() {
        double p = resetProbability;
        if (p <= 0) return false;
        synchronized (random) {
            return random.nextDouble() < p;
        }
    }

    /** One accepted connection and, unless the link was cut, its twin to the target. */
    private final class Pipe {
        private final Socket inbound;
        private Socket outbound;
        private final AtomicBoolean closedOnce = new AtomicBoolean();
        /** Accepted while cut: read and discarded, never connected onward. */
        private volatile boolean ignored;

        Pipe(Socket inbound) {
            this.inbound = inbound;
        }

        void start() {
            if (cut) {
                ignored = true;
                Thread.ofVirtual().start(this::discard);
                return;
            }
            try {
                outbound = new Socket();
                outbound.setTcpNoDelay(true);
                outbound.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2_000);
            } catch (IOException e) {
                close(); // the target is down: the sender sees its connection fail, as it would without us
                return;
            }
            if (closedOnce.get()) { // cut while we were connecting
                closeQuietly(outbound);
                return;
            }
            startDirection(inbound, outbound, true);
            startDirection(outbound, inbound, false);
        }

        private void discard() {
            byte[] buffer = new byte[CHUNK_BYTES_MAX];
            try (InputStream in = inbound.getInputStream()) {
                while (in.read(buffer) >= 0) {
                    // thrown away: the partition eats it
                }
            } catch (IOException e) {
                // reset by heal or by the sender
            } finally {
                close();
            }
        }

        private void startDirection(Socket source, Socket sink, boolean fromSender) {
            BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
            Thread.ofVirtual().start(() -> read(source, queue, fromSender));
            Thread.ofVirtual().start(() -> write(sink, queue));
        }

        private void read(Socket source, BlockingQueue<Chunk> queue, boolean fromSender) {
            byte[] buffer = new byte[CHUNK_BYTES_MAX];
            long releaseLastNs = Long.MIN_VALUE;
            try {
                InputStream in = source.getInputStream();
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    if (fromSender && drawReset()) break;
                    // Never release a chunk before the one ahead of it: a delayed stream keeps its order.
                    long releaseNs = Math.max(releaseLastNs, System.nanoTime() + nextDelayNs());
                    releaseLastNs = releaseNs;
                    byte[] copy = java.util.Arrays.copyOf(buffer, n);
                    queue.add(new Chunk(releaseNs, copy));
                }
            } catch (IOException e) {
                // closed
            }
            queue.add(Chunk.END);
        }

        private void write(Socket sink, BlockingQueue<Chunk> queue) {
            try {
                OutputStream out = sink.getOutputStream();
                while (true) {
                    Chunk chunk = queue.take();
                    if (chunk == Chunk.END) break;
                    long waitNs = chunk.releaseNs() - System.nanoTime();
                    if (waitNs > 0) Thread.sleep(waitNs / 1_000_000L, (int) (waitNs % 1_000_000L));
                    out.write(chunk.bytes());
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // closed
            } finally {
                close();
            }
        }

        void close() {
            if (!closedOnce.compareAndSet(false, true)) return;
            pipes.remove(this);
            closeQuietly(inbound);
            if (outbound != null) closeQuietly(outbound);
        }
    }

    private record Chunk(long releaseNs, byte[] bytes) {
        static final Chunk END = new Chunk(0, new byte[0]);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
        for (Pipe pipe : pipes) pipe.close();
    }
}
