package parley.etcdapi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** A {@link LocalBackend} served by an {@link EtcdGrpcServer} on 127.0.0.1 and an ephemeral port. */
final class TestServer implements AutoCloseable {
    static final String HOST = "127.0.0.1";

    final LocalBackend backend;
    final EtcdGrpcServer server;
    final int port;

    private TestServer(LocalBackendConfig backendConfig, EtcdApiConfig apiConfig) {
        backend = new LocalBackend(backendConfig);
        server = new EtcdGrpcServer(backend, apiConfig);
        try {
            port = server.start(HOST, 0);
        } catch (IOException bindFailed) {
            backend.close();
            throw new UncheckedIOException(bindFailed);
        }
        backend.advertiseClientUrls(List.of(url()));
    }

    static TestServer start() {
        return start(EtcdApiConfig.defaults().withShutdownGraceMs(200));
    }

    static TestServer start(EtcdApiConfig apiConfig) {
        return new TestServer(LocalBackendConfig.defaults(), apiConfig);
    }

    /** {@code host:port}, as etcdctl's --endpoints takes it. */
    String endpoint() {
        return HOST + ":" + port;
    }

    String url() {
        return "http://" + endpoint();
    }

    @Override
    public void close() {
        server.stop();
        backend.close();
    }
}
