package parley.etcdapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** Overdue requests fail with a timeout, finished ones are left alone and dropped from the queue. */
class RequestDeadlinesTest {
    @Test
    void overdueRequestsFailFinishedOnesAreDroppedAndNothingFailsEarly() throws Exception {
        try (RequestDeadlines deadlines = new RequestDeadlines("test-deadlines", 200)) {
            CompletableFuture<String> slow = deadlines.bound(new CompletableFuture<>());
            CompletableFuture<String> quick = deadlines.bound(new CompletableFuture<>());
            quick.complete("done");
            Thread.sleep(100);
            deadlines.sweep();
            assertFalse(slow.isDone(), "not failed before its deadline");
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> slow.get(2, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof TimeoutException, String.valueOf(e.getCause()));
            assertEquals("done", quick.get());
            deadlines.sweep();
            assertEquals(0, deadlines.size(), "finished and failed requests leave the queue");
            CompletableFuture<String> already = CompletableFuture.completedFuture("x");
            deadlines.bound(already);
            assertEquals(0, deadlines.size(), "a finished request is not queued at all");
        }
    }
}
