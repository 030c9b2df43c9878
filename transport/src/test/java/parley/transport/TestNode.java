package parley.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import parley.raft.RaftMessage;

/**
 * One node for loopback tests: a transport on 127.0.0.1, a single-threaded "node event loop" as its
 * delivery executor, and an inbox of everything delivered. Backoff and timeouts are short.
 */
final class TestNode implements AutoCloseable {
    static final long CLUSTER = 77;
    static final long WAIT_MS = 5000;

    /** A delivered message and its sender. */
    record Received(long from, RaftMessage message) {}

    final long id;
    final ExecutorService loop;
    final LinkedBlockingQueue<Received> inbox = new LinkedBlockingQueue<>();
    final PeerTransport<RaftMessage> transport;

    TestNode(long id, long clusterId, int port, UnaryOperator<TransportConfig.Builder> tweak, PeerTls tls) {
        this.id = id;
        this.loop = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "node-" + id + "-loop");
            thread.setDaemon(true);
            return thread;
        });
        TransportConfig config = tweak.apply(TransportConfig.builder(id, clusterId, new InetSocketAddress("127.0.0.1", port))
                .reconnectBackoffMs(10, 100)
                .connectTimeoutMs(1000)
                .handshakeTimeoutMs(2000)).build();
        this.transport = new PeerTransport<>(config, RaftMessageCodec.withDefaultLimits(), loop,
                (from, message) -> inbox.add(new Received(from, message)), tls);
    }

    /** A started node of cluster {@link #CLUSTER} on an ephemeral port. */
    static TestNode started(long id) {
        return started(id, UnaryOperator.identity());
    }

    static TestNode started(long id, UnaryOperator<TransportConfig.Builder> tweak) {
        TestNode node = new TestNode(id, CLUSTER, 0, tweak, PeerTls.NONE);
        node.transport.start();
        return node;
    }

    /** Makes every node a peer of every other. */
    static void mesh(TestNode... nodes) {
        for (TestNode a : nodes) {
            for (TestNode b : nodes) {
                if (a != b) a.transport.addPeer(b.id, b.address());
            }
        }
    }

    InetSocketAddress address() {
        return transport.listenAddress();
    }

    void send(long to, RaftMessage message) {
        transport.send(to, message);
    }

    void awaitConnected(long peer) {
        await("node " + id + " connected to node " + peer,
                () -> transport.peerStatus(peer).map(PeerStatus::connected).orElse(false));
    }

    Received take() {
        try {
            Received received = inbox.poll(WAIT_MS, TimeUnit.MILLISECONDS);
            assertNotNull(received, "node " + id + " received nothing within " + WAIT_MS + " ms; " + transport.counters());
            return received;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    List<Received> take(int count) {
        List<Received> all = new ArrayList<>(count);
        for (int i = 0; i < count; i++) all.add(take());
        return all;
    }

    /** The messages from {@code from} among {@code received}, in arrival order. */
    static List<RaftMessage> from(long from, List<Received> received) {
        return received.stream().filter(r -> r.from() == from).map(Received::message).toList();
    }

    void assertInboxEmpty() {
        assertEquals(List.of(), new ArrayList<>(inbox), "node " + id + " inbox");
    }

    static void await(String what, BooleanSupplier condition) {
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadlineNs) fail("timed out after " + WAIT_MS + " ms waiting until " + what);
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void close() {
        transport.close();
        loop.shutdownNow();
    }
}
