package parley.membership.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongFunction;

/** Runs independent seeds on the available cores (each run is single-threaded and deterministic). */
final class Seeds {
    private Seeds() {}

    static List<RunReport> run(long first, long last, LongFunction<RunReport> run) {
        int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<RunReport>> futures = new ArrayList<>();
            for (long seed = first; seed <= last; seed++) {
                long s = seed;
                futures.add(pool.submit(() -> run.apply(s)));
            }
            List<RunReport> reports = new ArrayList<>();
            for (Future<RunReport> future : futures) reports.add(future.get());
            return reports;
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError("a seed failed to run", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
