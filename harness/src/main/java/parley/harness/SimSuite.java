package parley.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Runs many seeds of one {@link Scenario}, in parallel on the machine's cores (each seed is its own
 * deterministic world, so parallelism changes nothing but speed), and reports outcomes in seed order.
 */
public final class SimSuite {
    private final Scenario scenario;
    private final int threads;

    /** The Raft KV scenario with {@code spec}. */
    public SimSuite(RunSpec spec, int threads) {
        this(new RaftKvSimulation(spec), threads);
    }

    public SimSuite(Scenario scenario, int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1");
        this.scenario = scenario;
        this.threads = threads;
    }

    /**
     * Runs {@code seeds} and hands each outcome to {@code onOutcome} in seed order. With
     * {@code stopAtFirstFailure}, seeds after the first failing one are skipped (a bug hunt).
     */
    public List<SeedOutcome> run(List<Long> seeds, boolean stopAtFirstFailure, Consumer<SeedOutcome> onOutcome) {
        return runRecorded(seeds, stopAtFirstFailure, run -> onOutcome.accept(run.outcome()));
    }

    /** Like {@link #run}, handing over each seed's recorded client history too. */
    public List<SeedOutcome> runRecorded(List<Long> seeds, boolean stopAtFirstFailure, Consumer<Scenario.Run> onRun) {
        ExecutorService pool = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "parley-sim");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<Scenario.Run>> futures = new ArrayList<>(seeds.size());
            for (long seed : seeds) futures.add(pool.submit(() -> scenario.run(seed, parley.sim.Trace.off())));
            List<SeedOutcome> outcomes = new ArrayList<>(seeds.size());
            for (int i = 0; i < futures.size(); i++) {
                Scenario.Run run = await(futures.get(i));
                futures.set(i, null); // let the history go once handed over
                SeedOutcome outcome = run.outcome();
                outcomes.add(outcome);
                onRun.accept(run);
                if (stopAtFirstFailure && outcome.verdict().failed()) {
                    futures.forEach(f -> { if (f != null) f.cancel(true); });
                    break;
                }
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    private static Scenario.Run await(Future<Scenario.Run> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) throw runtime;
            if (cause instanceof Error error) throw error;
            throw new IllegalStateException(cause);
        }
    }
}
