package parley.cli;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code parley bench kv}: a closed-loop load generator over the etcd v3 gRPC KV API. It talks to any
 * etcd-API endpoints (Parley or etcd itself), so the same generator measures both systems.
 *
 * <p>Each of the N clients sends one request, waits for its reply, and sends the next. Clients are not
 * threads: each is a callback-driven loop on the async stub, so 256 clients need no more threads than
 * gRPC's own event loops. Clients are spread round-robin over one channel per endpoint (times
 * {@code --connections}). Latencies go into a log-bucket histogram (bounded memory, under 1% error).
 */
@Command(name = "kv", mixinStandardHelpOptions = true,
        description = "Closed-loop load over the etcd v3 gRPC KV API against any etcd-API endpoints (Parley or etcd): "
                + "ops/s, latency percentiles, errors by gRPC status.")
final class BenchKvCommand implements Callable<Integer> {
    @Option(names = "--endpoints", defaultValue = "127.0.0.1:2379,127.0.0.1:2479,127.0.0.1:2579",
            description = "Comma-separated host:port list; clients are spread round-robin over them (default ${DEFAULT-VALUE}).")
    String endpoints;

    @Option(names = "--workload", defaultValue = "put", description = "put, get or mixed (50/50) (default ${DEFAULT-VALUE}).")
    String workload;

    @Option(names = "--clients", defaultValue = "16", description = "Concurrent closed-loop clients (default ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--connections", defaultValue = "1", description = "gRPC channels per endpoint (default ${DEFAULT-VALUE}).")
    int connectionsPerEndpoint;

    @Option(names = "--value-bytes", defaultValue = "256", description = "Value size in bytes (default ${DEFAULT-VALUE}).")
    int valueBytes;

    @Option(names = "--keys", defaultValue = "1000", description = "Key space: keys are drawn uniformly from this many (default ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--key-prefix", defaultValue = "bench/", description = "Prefix of every key (default ${DEFAULT-VALUE}).")
    String keyPrefix;

    @Option(names = "--duration-s", defaultValue = "10", description = "Measured seconds (default ${DEFAULT-VALUE}).")
    double durationS;

    @Option(names = "--warmup-s", defaultValue = "2", description = "Seconds of load before measuring (default ${DEFAULT-VALUE}).")
    double warmupS;

    @Option(names = "--timeout-ms", defaultValue = "5000", description = "Deadline per request (default ${DEFAULT-VALUE}).")
    long timeoutMs;

    @Option(names = "--linearizable", description = "Gets are linearizable (the default).")
    boolean linearizable;

    @Option(names = "--serializable", description = "Gets are serializable (RangeRequest.serializable: may be stale, served locally).")
    boolean serializable;

    @Option(names = "--no-preload", description = "Do not put every key before a get or mixed run.")
    boolean noPreload;

    @Option(names = "--label", defaultValue = "", description = "A name echoed in the result line (for scripts).")
    String label;

    @Option(names = "--rate", defaultValue = "0", paramLabel = "OPS_PER_S",
            description = "Offer this many operations per second in all, spread evenly over the clients, instead of each client"
                    + " sending as soon as its last answer came (0, the default: closed loop). Latency then counts from each"
                    + " request's scheduled start, so a stall also counts against the requests it delayed.")
    double rate;

    @Option(names = "--stalled-watchers", defaultValue = "0", paramLabel = "N",
            description = "Also open N watches on the key prefix whose clients never read their streams, spread over the endpoints,"
                    + " before the run (the slow-client attack; default ${DEFAULT-VALUE}).")
    int stalledWatchers;

    private enum Workload { PUT, GET, MIXED }

    /** HTTP/2 flow-control window per stream and connection; fixed, so no BDP pings. */
    private static final int FLOW_CONTROL_WINDOW_BYTES = 4 << 20;

    @Override
    public Integer call() throws Exception {
        Workload wl = switch (workload.toLowerCase(Locale.ROOT)) {
            case "put" -> Workload.PUT;
            case "get" -> Workload.GET;
            case "mixed" -> Workload.MIXED;
            default -> throw new UserError("--workload must be put, get or mixed, got '" + workload + "'");
        };
        if (clients < 1 || clients > 100_000) throw new UserError("--clients must be in 1..100000, got " + clients);
        if (connectionsPerEndpoint < 1 || connectionsPerEndpoint > 64) throw new UserError("--connections must be in 1..64, got " + connectionsPerEndpoint);
        if (valueBytes < 0 || valueBytes > 1 << 20) throw new UserError("--value-bytes must be in 0..1048576, got " + valueBytes);
        if (keys < 1) throw new UserError("--keys must be >= 1, got " + keys);
        if (!(durationS > 0) || durationS > 86_400) throw new UserError("--duration-s must be > 0 and <= 86400, got " + durationS);
        if (!(warmupS >= 0) || warmupS > 86_400) throw new UserError("--warmup-s must be >= 0 and <= 86400, got " + warmupS);
        if (timeoutMs < 1) throw new UserError("--timeout-ms must be >= 1, got " + timeoutMs);
        if (linearizable && serializable) throw new UserError("--linearizable and --serializable exclude each other");
        if (!(rate >= 0) || rate > 10_000_000) throw new UserError("--rate must be in 0..10000000 operations per second, got " + rate);
        if (stalledWatchers < 0 || stalledWatchers > 1_000_000) throw new UserError("--stalled-watchers must be in 0..1000000, got " + stalledWatchers);
        List<Endpoints.Endpoint> targets = Endpoints.parse("--endpoints", endpoints);

        PrintStream out = System.out;
        List<ManagedChannel> channels = new ArrayList<>();
        StalledWatchers stalled = null;
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-kv-timer");
            t.setDaemon(true);
            return t;
        });
        try {
            for (int c = 0; c < connectionsPerEndpoint; c++) {
                for (Endpoints.Endpoint hp : targets) {
                    // No retries (a failed request is counted, not silently re-sent) and a fixed HTTP/2 window:
                    // the default automatic window sends a BDP ping with most replies, a cost that would
                    // be charged to whichever server is being measured.
                    channels.add(NettyChannelBuilder.forAddress(hp.host(), hp.port()).usePlaintext()
                            .directExecutor().disableRetry().flowControlWindow(FLOW_CONTROL_WINDOW_BYTES)
                            .maxInboundMessageSize(16 << 20).build());
                }
            }
            List<KVGrpc.KVStub> stubs = new ArrayList<>();
            for (ManagedChannel ch : channels) stubs.add(KVGrpc.newStub(ch));

            byte[] valueBytesArr = new byte[valueBytes];
            new Random(42).nextBytes(valueBytesArr);
            ByteString value = ByteString.copyFrom(valueBytesArr);
            ByteString[] keyBytes = new ByteString[keys];
            int width = Integer.toString(keys - 1).length();
            for (int i = 0; i < keys; i++) {
                keyBytes[i] = ByteString.copyFrom(keyPrefix + String.format(Locale.ROOT, "%0" + width + "d", i), StandardCharsets.UTF_8);
            }
            String readMode = serializable ? "serializable" : "linearizable";
            out.printf(Locale.ROOT, "bench kv: %s%s, %d clients over %d endpoint(s) x %d channel(s), %d keys, %d-byte values, "
                            + "%.0f s warm-up + %.0f s measured, timeout %d ms%n",
                    wl.name().toLowerCase(Locale.ROOT), wl == Workload.PUT ? "" : " (" + readMode + " gets)", clients,
                    targets.size(), connectionsPerEndpoint, keys, valueBytes, warmupS, durationS, timeoutMs);
            if (rate > 0) {
                out.printf(Locale.ROOT, "offered rate: %.0f operations per second (each client one every %.1f ms); latency from each"
                        + " request's scheduled start%n", rate, clients * 1e3 / rate);
            }

            if (wl != Workload.PUT && !noPreload) {
                long t0 = System.nanoTime();
                AtomicReference<Throwable> firstError = new AtomicReference<>();
                long failed = preload(stubs, keyBytes, value, Math.min(64, Math.max(clients, 8)), firstError);
                if (failed > 0) {
                    Throwable error = firstError.get();
                    throw new UserError("preload failed: " + failed + " of " + keys + " puts did not succeed"
                            + (error == null ? "" : " (first: " + describe(error) + ")") + "; is the cluster up at " + endpoints + "?");
                }
                out.printf(Locale.ROOT, "preloaded %d keys in %.1f s%n", keys, (System.nanoTime() - t0) / 1e9);
            }

            if (stalledWatchers > 0) {
                ByteString prefix = ByteString.copyFrom(keyPrefix, StandardCharsets.UTF_8);
                stalled = StalledWatchers.open(targets, stalledWatchers, prefix, prefixEnd(prefix));
                out.printf(Locale.ROOT, "stalled watchers: %d watches on %s* that never read, on %d streams over %d connections%n",
                        stalledWatchers, keyPrefix, stalled.streams(), stalled.connections());
            }

            Run run = new Run(wl, stubs, keyBytes, value, serializable, timeoutMs, timer);
            long start = System.nanoTime();
            run.startNs = start;
            run.intervalNs = rate > 0 ? (long) (clients * 1e9 / rate) : 0;
            run.phaseNs = rate > 0 ? (long) (1e9 / rate) : 0;
            long measureStart = start + (long) (warmupS * 1e9);
            long measureEnd = measureStart + (long) (durationS * 1e9);
            run.measureStartNs = measureStart;
            run.measureEndNs = measureEnd;
            run.stopNs = measureEnd;
            for (int i = 0; i < clients; i++) run.startClient(i);
            // Wait for the run to end, then for the clients to finish their last request (bounded).
            long drainDeadline = measureEnd + TimeUnit.MILLISECONDS.toNanos(timeoutMs) + TimeUnit.SECONDS.toNanos(2);
            sleepUntil(measureStart);
            long cpuAtStartNs = processCpuNs();
            sleepUntil(measureEnd);
            run.generatorCpuNs = processCpuNs() - cpuAtStartNs;
            boolean drained = run.done.await(Math.max(1, drainDeadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            run.report(out, durationS, label, drained);
            if (stalled != null) {
                out.printf(Locale.ROOT, "stalled watchers: %d of %d streams ended by the server during the run%n",
                        stalled.failedStreams(), stalled.streams());
            }
            return run.errorsTotal() == 0 && run.histogram.count() > 0 ? 0 : 1;
        } finally {
            if (stalled != null) stalled.close();
            for (ManagedChannel ch : channels) ch.shutdownNow();
            for (ManagedChannel ch : channels) ch.awaitTermination(2, TimeUnit.SECONDS);
            timer.shutdownNow();
        }
    }

    /** etcd's range end for every key starting with {@code prefix}: the prefix with its last byte plus one. */
    private static ByteString prefixEnd(ByteString prefix) {
        byte[] end = prefix.toByteArray();
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xff) {
                end[i]++;
                return ByteString.copyFrom(end, 0, i + 1);
            }
        }
        return ByteString.copyFrom(new byte[] {0}); // every key
    }

    /** A gRPC failure in one line: status code, description, and the innermost cause's message. */
    private static String describe(Throwable error) {
        Status status = Status.fromThrowable(error);
        Throwable root = error;
        while (root.getCause() != null) root = root.getCause();
        String text = status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription());
        return root == error || root.getMessage() == null ? text : text + " (" + root.getMessage() + ")";
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        while (System.nanoTime() < nanoTime) {
            Thread.sleep(Math.max(1, Math.min(200, (nanoTime - System.nanoTime()) / 1_000_000)));
        }
    }

    /** CPU time this process has used (all threads), or -1 where the JVM cannot tell. */
    private static long processCpuNs() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    /** Puts every key once, {@code parallel} at a time; returns how many failed. */
    private long preload(List<KVGrpc.KVStub> stubs, ByteString[] keyBytes, ByteString value, int parallel,
                         AtomicReference<Throwable> firstError) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicLong failed = new AtomicLong();
        CountDownLatch done = new CountDownLatch(parallel);
        for (int w = 0; w < parallel; w++) {
            KVGrpc.KVStub stub = stubs.get(w % stubs.size());
            new Object() {
                void step() {
                    int i = next.getAndIncrement();
                    if (i >= keyBytes.length) {
                        done.countDown();
                        return;
                    }
                    stub.withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS)
                            .put(PutRequest.newBuilder().setKey(keyBytes[i]).setValue(value).build(), new StreamObserver<>() {
                                @Override public void onNext(PutResponse r) { }
                                @Override public void onError(Throwable t) {
                                    firstError.compareAndSet(null, t);
                                    failed.incrementAndGet();
                                    done.countDown(); // this preload worker stops; the caller reports the failure
                                }
                                @Override public void onCompleted() { step(); }
                            });
                }
            }.step();
        }
        long bound = (long) keyBytes.length * timeoutMs / parallel + 30_000;
        if (!done.await(bound, TimeUnit.MILLISECONDS)) return Math.max(1, failed.get());
        return failed.get();
    }

    /** One measured run: the clients' loops, the histogram and the error counts. */
    private static final class Run {
        final Workload workload;
        final List<KVGrpc.KVStub> stubs;
        final ByteString[] keys;
        final ByteString value;
        final boolean serializable;
        final long timeoutMs;
        final ScheduledExecutorService timer;
        final LogHistogram histogram = new LogHistogram();
        final LogHistogram putHistogram = new LogHistogram();
        final LogHistogram getHistogram = new LogHistogram();
        final Map<Status.Code, LongAdder> errors = new ConcurrentHashMap<>();
        final LongAdder warmupOps = new LongAdder();
        final AtomicInteger live = new AtomicInteger();
        final CountDownLatch done = new CountDownLatch(1);
        volatile long measureStartNs;
        volatile long measureEndNs;
        volatile long stopNs;
        /** CPU this generator used during the measured window, all threads; -1 if unknown. */
        volatile long generatorCpuNs = -1;
        volatile long startNs;
        /** With --rate: each client's time between scheduled starts, and the offset between clients; 0: closed loop. */
        volatile long intervalNs;
        volatile long phaseNs;

        Run(Workload workload, List<KVGrpc.KVStub> stubs, ByteString[] keys, ByteString value, boolean serializable,
                long timeoutMs, ScheduledExecutorService timer) {
            this.workload = workload;
            this.stubs = stubs;
            this.keys = keys;
            this.value = value;
            this.serializable = serializable;
            this.timeoutMs = timeoutMs;
            this.timer = timer;
        }

        void startClient(int id) {
            live.incrementAndGet();
            KVGrpc.KVStub stub = stubs.get(id % stubs.size());
            if (intervalNs > 0) {
                paced(stub, startNs + id * phaseNs);
            } else {
                next(stub);
            }
        }

        /** Open loop: sends at {@code scheduledNs} (at once if that has passed) and counts latency from it. */
        private void paced(KVGrpc.KVStub stub, long scheduledNs) {
            long delayNs = scheduledNs - System.nanoTime();
            if (delayNs > 0) {
                timer.schedule(() -> send(stub, scheduledNs), delayNs, TimeUnit.NANOSECONDS);
            } else {
                send(stub, scheduledNs);
            }
        }

        private void finishClient() {
            if (live.decrementAndGet() == 0) done.countDown();
        }

        private void next(KVGrpc.KVStub stub) {
            send(stub, System.nanoTime());
        }

        /** Sends one request whose latency counts from {@code scheduledNs} (now, in a closed loop). */
        private void send(KVGrpc.KVStub stub, long scheduledNs) {
            if (scheduledNs >= stopNs) {
                finishClient();
                return;
            }
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            ByteString key = keys[rnd.nextInt(keys.length)];
            boolean put = workload == Workload.PUT || (workload == Workload.MIXED && rnd.nextBoolean());
            KVGrpc.KVStub s = stub.withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS);
            if (put) {
                s.put(PutRequest.newBuilder().setKey(key).setValue(value).build(), new Reply<>(stub, scheduledNs, true));
            } else {
                s.range(RangeRequest.newBuilder().setKey(key).setSerializable(serializable).build(), new Reply<>(stub, scheduledNs, false));
            }
        }

        private final class Reply<T> implements StreamObserver<T> {
            final KVGrpc.KVStub stub;
            final long sentNs;
            final boolean put;

            Reply(KVGrpc.KVStub stub, long sentNs, boolean put) {
                this.stub = stub;
                this.sentNs = sentNs;
                this.put = put;
            }

            @Override public void onNext(T value) { }

            @Override
            public void onCompleted() {
                long now = System.nanoTime();
                if (sentNs >= measureStartNs && now <= measureEndNs) {
                    long ns = now - sentNs;
                    histogram.record(ns);
                    if (workload == Workload.MIXED) (put ? putHistogram : getHistogram).record(ns);
                } else if (sentNs < measureStartNs) {
                    warmupOps.increment();
                }
                if (intervalNs > 0) paced(stub, sentNs + intervalNs);
                else next(stub);
            }

            @Override
            public void onError(Throwable t) {
                long now = System.nanoTime();
                if (sentNs >= measureStartNs && now <= measureEndNs + TimeUnit.MILLISECONDS.toNanos(timeoutMs)) {
                    errors.computeIfAbsent(Status.fromThrowable(t).getCode(), c -> new LongAdder()).increment();
                }
                if (intervalNs > 0) {
                    paced(stub, sentNs + intervalNs); // paced already: no spin
                } else {
                    // Back off a little so a down endpoint does not turn the loop into a spin.
                    timer.schedule(() -> next(stub), 10, TimeUnit.MILLISECONDS);
                }
            }
        }

        long errorsTotal() {
            return errors.values().stream().mapToLong(LongAdder::sum).sum();
        }

        void report(PrintStream out, double durationS, String label, boolean drained) {
            long n = histogram.count();
            double opsPerS = n / durationS;
            out.printf(Locale.ROOT, "ops: %d in %.1f s = %.0f ops/s%n", n, durationS, opsPerS);
            out.printf(Locale.ROOT, "latency ms: p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f  (mean %.3f)%n",
                    histogram.percentile(0.50) / 1e6, histogram.percentile(0.90) / 1e6, histogram.percentile(0.99) / 1e6,
                    histogram.percentile(0.999) / 1e6, histogram.max() / 1e6, histogram.mean() / 1e6);
            if (workload == Workload.MIXED) {
                out.printf(Locale.ROOT, "  puts: %d, p50 %.3f p99 %.3f ms; gets: %d, p50 %.3f p99 %.3f ms%n",
                        putHistogram.count(), putHistogram.percentile(0.5) / 1e6, putHistogram.percentile(0.99) / 1e6,
                        getHistogram.count(), getHistogram.percentile(0.5) / 1e6, getHistogram.percentile(0.99) / 1e6);
            }
            Map<String, Long> byCode = new TreeMap<>();
            errors.forEach((code, count) -> byCode.put(code.name(), count.sum()));
            StringBuilder errs = new StringBuilder();
            byCode.forEach((code, count) -> errs.append(errs.isEmpty() ? "" : ",").append(code).append('=').append(count));
            out.println("errors: " + (byCode.isEmpty() ? "none" : errs));
            double generatorCpuUsPerOp = generatorCpuNs < 0 || n == 0 ? -1 : generatorCpuNs / 1e3 / n;
            if (generatorCpuUsPerOp >= 0) {
                out.printf(Locale.ROOT, "generator CPU: %.1f µs per operation (%.2f cores)%n",
                        generatorCpuUsPerOp, generatorCpuNs / 1e9 / durationS);
            }
            if (!drained) out.println("warning: some clients had not finished their last request " + timeoutMs + " ms after the run ended");
            // One machine-readable line for scripts.
            out.printf(Locale.ROOT, "result: label=%s workload=%s ops=%d ops_per_s=%.0f p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f errors=%d gen_cpu_us_per_op=%.1f%n",
                    label.isEmpty() ? "-" : label, workload.name().toLowerCase(Locale.ROOT), n, opsPerS,
                    histogram.percentile(0.50) / 1e6, histogram.percentile(0.99) / 1e6, histogram.percentile(0.999) / 1e6,
                    histogram.max() / 1e6, errorsTotal(), generatorCpuUsPerOp);
        }
    }

    /**
     * A log-bucket histogram of nanosecond values, HdrHistogram-style: values below 128 exactly, above that
     * 64 linear sub-buckets per power of two (relative error under 1.6%, about 0.8% at the midpoint
     * reported). Thread-safe, fixed memory.
     */
    static final class LogHistogram {
        private static final int SUB = 64;
        private static final int BUCKETS = 128 + 58 * SUB;
        private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
        private final LongAdder total = new LongAdder();
        private final LongAdder sum = new LongAdder();
        private final AtomicLong max = new AtomicLong();

        static int index(long v) {
            if (v < 128) return (int) Math.max(0, v);
            int e = 63 - Long.numberOfLeadingZeros(v); // >= 7
            int shift = e - 6;
            int top = (int) (v >>> shift); // 64..127
            return 128 + (shift - 1) * SUB + (top - SUB);
        }

        /** The midpoint of a bucket's range. */
        static long value(int index) {
            if (index < 128) return index;
            int shift = (index - 128) / SUB + 1;
            long top = (index - 128) % SUB + SUB;
            return (top << shift) + (1L << shift) / 2;
        }

        void record(long v) {
            counts.incrementAndGet(index(v));
            total.increment();
            sum.add(v);
            max.accumulateAndGet(v, Math::max);
        }

        long count() { return total.sum(); }

        long max() { return max.get(); }

        double mean() {
            long n = count();
            return n == 0 ? 0 : (double) sum.sum() / n;
        }

        /** The smallest recorded value (bucket midpoint, capped at the max) at or below which a fraction p of values lie. */
        double percentile(double p) {
            long n = count();
            if (n == 0) return 0;
            long rank = Math.max(1, (long) Math.ceil(p * n));
            long seen = 0;
            for (int i = 0; i < BUCKETS; i++) {
                seen += counts.get(i);
                if (seen >= rank) return Math.min(value(i), max());
            }
            return max();
        }
    }
}
