package parley.server;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import parley.wal.ChannelFactory;

/**
 * Off-by-default fault injection for testing the real server (see docs/server.md, "Fault injection"):
 * a clock that can be stepped and skewed, an fsync that can be made slow or stalled, and a disk that
 * can fill up. A node gets
 * one only when its config says {@code fault-injection = on}; then {@code POST /fault/...} on its HTTP
 * port, from loopback only, changes what the node's {@link RealEnv} clock reads and how long each
 * write-ahead-log fsync takes. Without that key nothing here is wired in and the clock is
 * {@code System.nanoTime()} itself.
 *
 * <p>The clock stays monotonic whatever is asked of it: a backward step holds the clock still until
 * real time catches up, which is how a protocol sees a stalled clock.
 */
public final class FaultHooks {
    private final Object clockLock = new Object();
    /** Real time and fault clock at the moment of the last change; the fault clock runs from there at {@code rate}. */
    private long baseRealNs = System.nanoTime();
    private long baseFaultNs = baseRealNs;
    private double rate = 1.0;
    private final AtomicLong lastReadNs = new AtomicLong(Long.MIN_VALUE);
    private volatile long fsyncDelayMs;
    private volatile boolean diskFull;

    /** The node's clock: real monotonic time, stepped by the offsets and scaled by the rate asked for. */
    public long nowNs() {
        long realNs = System.nanoTime();
        long faultNs;
        synchronized (clockLock) {
            faultNs = baseFaultNs + (long) ((realNs - baseRealNs) * rate);
        }
        return lastReadNs.accumulateAndGet(faultNs, Math::max);
    }

    /** Steps the clock by {@code offsetMs} (negative: holds it still that long) and runs it at {@code rate} from now on. */
    public void clock(long offsetMs, double rate) {
        if (!(rate > 0 && rate <= 100)) throw new IllegalArgumentException("rate must be in (0, 100], got " + rate);
        long realNs = System.nanoTime();
        synchronized (clockLock) {
            long nowFaultNs = baseFaultNs + (long) ((realNs - baseRealNs) * this.rate);
            baseRealNs = realNs;
            baseFaultNs = nowFaultNs + offsetMs * 1_000_000L;
            this.rate = rate;
        }
    }

    /** Every fsync of the write-ahead log takes at least this much longer from now on (0: normal). */
    public void fsyncDelayMs(long delayMs) {
        if (delayMs < 0) throw new IllegalArgumentException("delayMs must be >= 0, got " + delayMs);
        fsyncDelayMs = delayMs;
    }

    public long fsyncDelayMs() {
        return fsyncDelayMs;
    }

    /** While full, every write to the node's data files fails as on a full disk (ENOSPC). */
    public void diskFull(boolean full) {
        diskFull = full;
    }

    public boolean diskFull() {
        return diskFull;
    }

    /** Back to normal: no further clock offset (the clock keeps what it already jumped), plain fsyncs, room on disk. */
    public void reset() {
        clock(0, 1.0);
        fsyncDelayMs = 0;
        diskFull = false;
    }

    /** Opens channels through {@code base} whose fsyncs wait {@link #fsyncDelayMs()} first. */
    public ChannelFactory channelFactory(ChannelFactory base) {
        return (path, options) -> new FaultInjectingFileChannel(base.open(path, options), this::fsyncDelayMs, this::diskFull);
    }

    /**
     * Serves {@code POST /fault/clock?offsetMs=N&rate=R}, {@code POST /fault/fsync?delayMs=N},
     * {@code POST /fault/disk-full?on=true|false} and {@code POST /fault/reset}, from loopback only; each
     * answers with the hooks' state as text.
     */
    public void handle(HttpExchange exchange) throws IOException {
        InetAddress remote = exchange.getRemoteAddress().getAddress();
        if (!remote.isLoopbackAddress()) {
            respond(exchange, 403, "fault injection is served to loopback clients only\n");
            return;
        }
        if (!exchange.getRequestMethod().equals("POST")) {
            respond(exchange, 405, "use POST\n");
            return;
        }
        URI uri = exchange.getRequestURI();
        Map<String, String> query = query(uri.getRawQuery());
        try {
            switch (uri.getPath()) {
                case "/fault/clock" -> clock(Long.parseLong(query.getOrDefault("offsetMs", "0")),
                        Double.parseDouble(query.getOrDefault("rate", "1")));
                case "/fault/fsync" -> fsyncDelayMs(Long.parseLong(query.getOrDefault("delayMs", "0")));
                case "/fault/disk-full" -> diskFull(Boolean.parseBoolean(query.getOrDefault("on", "true")));
                case "/fault/reset" -> reset();
                default -> {
                    respond(exchange, 404, "known: /fault/clock?offsetMs=&rate=, /fault/fsync?delayMs=, /fault/disk-full?on=, /fault/reset\n");
                    return;
                }
            }
        } catch (IllegalArgumentException e) {
            respond(exchange, 400, e.getMessage() + "\n");
            return;
        }
        double rateNow;
        synchronized (clockLock) {
            rateNow = rate;
        }
        respond(exchange, 200, "clockRate=" + rateNow + " clockAheadMs=" + (nowNs() - System.nanoTime()) / 1_000_000
                + " fsyncDelayMs=" + fsyncDelayMs + " diskFull=" + diskFull + "\n");
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null) return out;
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) out.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return out;
    }

    private static void respond(HttpExchange exchange, int code, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(code, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
