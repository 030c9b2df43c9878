package parley.etcdapi;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real etcdctl (Debian's etcd-client, API v3) against a test server as a subprocess, with a
 * time limit on everything.
 */
final class Etcdctl {
    private static final long RUN_TIMEOUT_MS = 10_000;

    /** What one etcdctl run printed, and how it exited. */
    record Result(int exitCode, String stdout, String stderr) {}

    private final String endpoint;

    Etcdctl(String endpoint) {
        this.endpoint = endpoint;
    }

    /** The etcdctl binary on the PATH, or null. */
    static String binary() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            File candidate = new File(dir, "etcdctl");
            if (candidate.canExecute()) {
                return candidate.getPath();
            }
        }
        return null;
    }

    Result run(String... args) {
        return runWithInput(null, args);
    }

    /** Runs etcdctl with {@code args}, feeding {@code stdin} when not null, and waits for it. */
    Result runWithInput(String stdin, String... args) {
        Process process = start(args);
        try {
            try (Writer in = process.outputWriter(StandardCharsets.UTF_8)) {
                if (stdin != null) {
                    in.write(stdin);
                }
            }
            if (!process.waitFor(RUN_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("etcdctl " + String.join(" ", args) + " did not finish in " + RUN_TIMEOUT_MS + " ms");
            }
            String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Result(process.exitValue(), stdout, stderr);
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        } catch (InterruptedException interrupted) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", interrupted);
        }
    }

    /** A long-running etcdctl (watch, keep-alive) whose output lines are read as they come. */
    Background background(String... args) {
        return new Background(start(args));
    }

    private Process start(String... args) {
        List<String> command = new ArrayList<>();
        command.add(binary());
        command.add("--endpoints=" + endpoint);
        command.add("--dial-timeout=3s");
        command.add("--command-timeout=5s");
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("ETCDCTL_API", "3");
        try {
            return builder.start();
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
    }

    /** A running etcdctl; its stdout lines are collected by a reader thread. */
    static final class Background implements AutoCloseable {
        private final Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        Background(Process process) {
            this.process = process;
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                        lines.add(line);
                    }
                } catch (IOException closed) {
                    // the process ended
                }
            }, "etcdctl-output");
            reader.setDaemon(true);
            reader.start();
        }

        /** The next {@code count} lines, waiting at most {@code timeoutMs} for all of them. */
        List<String> lines(int count, long timeoutMs) throws InterruptedException {
            long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            List<String> read = new ArrayList<>();
            while (read.size() < count) {
                String line = lines.poll(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new AssertionError("wanted " + count + " lines within " + timeoutMs + " ms, got " + read
                            + "; stderr: " + stderrSoFar());
                }
                read.add(line);
            }
            return read;
        }

        private String stderrSoFar() {
            try {
                return process.isAlive() ? "(still running)"
                        : new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException unreadable) {
                return "(unreadable)";
            }
        }

        /** Stops etcdctl (SIGTERM, then SIGKILL after 2 s). */
        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(2, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException interrupted) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
