package parley.torture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A node's HTTP side door as the torture run uses it: {@code /status}, {@code /state-hash}, {@code POST /fault/...}. */
public final class NodeHttp {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    private NodeHttp() {}

    /** What the node believes, or null if it did not answer in time (dead, paused, busy). */
    static JsonNode status(int httpPort) {
        return status(httpPort, Duration.ofSeconds(1));
    }

    /** What the node at {@code httpPort} on loopback believes, or null if it did not answer within {@code timeout}. */
    public static JsonNode status(int httpPort, Duration timeout) {
        return getJson(httpPort, "/status", timeout);
    }

    /** {@code {appliedIndex, revision, hash}}, or null if it did not answer. */
    static JsonNode stateHash(int httpPort) {
        return getJson(httpPort, "/state-hash", Duration.ofSeconds(6));
    }

    /** POSTs a fault-injection request; returns the node's answer, or throws when it refused or did not answer. */
    static String fault(int httpPort, String pathAndQuery) throws IOException {
        try {
            HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + pathAndQuery))
                    .timeout(Duration.ofSeconds(2)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) throw new IOException(pathAndQuery + " answered " + r.statusCode() + ": " + r.body().strip());
            return r.body().strip();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static JsonNode getJson(int httpPort, String path, Duration timeout) {
        try {
            HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                    .timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
