package parley.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/** Runs independent deterministic seeds on a few threads and hands each result over in seed order. */
final class SeedRunner {
    private SeedRunner() {}

    static <R> List<R> run(List<Long> seeds, int threads, LongFunction<R> run, Consumer<R> onResult) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, Math.max(1, seeds.size())));
        try {
            List<Future<R>> futures = new ArrayList<>();
            for (long seed : seeds) futures.add(pool.submit(() -> run.apply(seed)));
            List<R> results = new ArrayList<>();
            for (Future<R> future : futures) {
                R result = future.get();
                results.add(result);
                onResult.accept(result);
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) throw runtime;
            if (e.getCause() instanceof Error error) throw error;
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
