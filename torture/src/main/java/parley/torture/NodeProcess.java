package parley.torture;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One server process of the cluster: started from a command line and a config file, killed with
 * SIGKILL, paused with SIGSTOP and resumed with SIGCONT, restarted on the same data directory. Each
 * start appends to its own log file ({@code n1.log}, {@code n1.2.log}, ...). An exit the nemesis did
 * not cause is remembered, because a server that dies by itself is a finding.
 */
public final class NodeProcess {
    private final int node;
    private final List<String> command;
    private final Path config;
    private final Path logDir;
    private Process process;
    private int starts;
    private boolean paused;
    /** Set before every exit this class causes, so that {@link #unexpectedExits} only holds the others. */
    private volatile boolean exitExpected;
    private final List<String> unexpectedExits = new ArrayList<>();

    /**
     * @param command everything before {@code --config FILE}, e.g. {@code java -cp CP parley.cli.Main server}
     */
    public NodeProcess(int node, List<String> command, Path config, Path logDir) {
        this.node = node;
        this.command = List.copyOf(command);
        this.config = config;
        this.logDir = logDir;
    }

    public int node() { return node; }

    public synchronized void start() throws IOException {
        if (process != null && process.isAlive()) throw new IllegalStateException("n" + node + " is already running");
        starts++;
        List<String> argv = new ArrayList<>(command);
        argv.add("--config");
        argv.add(config.toString());
        Path log = logDir.resolve(starts == 1 ? "n" + node + ".log" : "n" + node + "." + starts + ".log");
        exitExpected = false;
        paused = false;
        Process started = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        process = started;
        started.onExit().thenAccept(p -> {
            if (!exitExpected) {
                synchronized (unexpectedExits) {
                    unexpectedExits.add("n" + node + " (pid " + p.pid() + ") exited by itself with code " + p.exitValue() + "; see " + log.getFileName());
                }
            }
        });
    }

    /** SIGKILL: no shutdown hook runs, nothing unsynced survives. */
    public synchronized void kill() throws InterruptedException {
        if (process == null || !process.isAlive()) return;
        exitExpected = true;
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        paused = false;
    }

    /** SIGSTOP: alive, holding its sockets, silent. */
    public synchronized void pause() throws IOException, InterruptedException {
        if (isAlive() && !paused) {
            signal("STOP");
            paused = true;
        }
    }

    /** SIGCONT. */
    public synchronized void resume() throws IOException, InterruptedException {
        if (isAlive() && paused) {
            signal("CONT");
            paused = false;
        }
    }

    /** SIGTERM, then SIGKILL after the grace period: the end of a run. */
    public synchronized void stop() throws InterruptedException {
        if (process == null) return;
        exitExpected = true;
        if (paused && process.isAlive()) {
            try {
                signal("CONT");
            } catch (IOException ignored) {
                // SIGKILL below works on a stopped process too
            }
        }
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    public synchronized boolean isPaused() {
        return paused;
    }

    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    public List<String> unexpectedExits() {
        synchronized (unexpectedExits) {
            return List.copyOf(unexpectedExits);
        }
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).redirectErrorStream(true).start();
        if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }
}
