package parley.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code GET /state-hash}: {@code {"appliedIndex":..,"revision":..,"hash":".."}}, the hash of this
 * replica's key-value state at the applied index it names, read in one event of the node's loop.
 * Replicas that applied the same log prefix must report the same hash; fault tests compare them.
 * The hash serializes the whole store, so this page is for checkers, not for frequent polling.
 */
final class StateHashPage implements HttpHandler {
    private final RaftKvNode node;

    StateHashPage(RaftKvNode node) {
        this.node = node;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        int code;
        String body;
        try {
            parley.replica.KvReplica.StateHash h = node.stateHash().get(5, TimeUnit.SECONDS);
            code = 200;
            body = "{\"appliedIndex\":" + h.appliedIndex() + ",\"revision\":" + h.revision()
                    + ",\"hash\":\"" + Long.toHexString(h.hash()) + "\"}\n";
        } catch (TimeoutException e) {
            code = 503;
            body = "{\"error\":\"the node's loop did not answer within 5 s\"}\n";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = 503;
            body = "{\"error\":\"interrupted\"}\n";
        } catch (java.util.concurrent.ExecutionException e) {
            code = 500;
            body = "{\"error\":\"" + String.valueOf(e.getCause()).replace('"', '\'') + "\"}\n";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
