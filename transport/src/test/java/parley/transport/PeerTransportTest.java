package parley.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static parley.transport.TestNode.CLUSTER;
import static parley.transport.TestNode.await;

import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.raft.LogEntry;
import parley.raft.RaftMessage;

/** Transports on loopback: delivery, batching, reconnects, bounds, identity checks, bad frames. */
@Timeout(value = 15, unit = TimeUnit.SECONDS)
class PeerTransportTest {
    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable resource : resources.reversed()) resource.close();
    }

    @Test
    void threeNodesExchangeEveryMessageTypeInBothDirections() {
        TestNode a = node(1), b = node(2), c = node(3);
        TestNode[] nodes = {a, b, c};
        TestNode.mesh(nodes);
        List<RaftMessage> all = SampleMessages.oneOfEach();
        for (TestNode from : nodes) {
            for (TestNode to : nodes) {
                if (from != to) all.forEach(m -> from.send(to.id, m));
            }
        }
        for (TestNode to : nodes) {
            List<TestNode.Received> received = to.take(2 * all.size());
            for (TestNode from : nodes) {
                if (from != to) Structural.assertSame(all, TestNode.from(from.id, received));
            }
        }
        for (TestNode node : nodes) {
            await("node " + node.id + " counted its sends", () -> node.transport.counters().messagesSent() == 2L * all.size());
            assertEquals(2L * all.size(), node.transport.counters().messagesReceived());
            assertEquals(0, node.transport.counters().droppedTotal());
            node.assertInboxEmpty();
        }
    }

    @Test
    void messagesQueuedBeforeTheConnectionGoOutInOneFrame() throws IOException {
        Socket reserved = reservedPort();
        TestNode b = node(2);
        b.transport.addPeer(1, address(reserved)); // b accepts node 1; where b would dial it does not matter here
        TestNode a = unstartedNode(1, cfg -> cfg.peer(2, b.address()));
        List<RaftMessage> heartbeats = SampleMessages.numberedHeartbeats(1000);
        heartbeats.forEach(m -> a.send(2, m));
        a.transport.start();
        Structural.assertSame(heartbeats, TestNode.from(1, b.take(1000)));
        await("a counted its frame", () -> a.transport.counters().messagesSent() == 1000);
        assertEquals(1, a.transport.counters().framesSent());
        assertEquals(1, b.transport.counters().framesReceived());
    }

    @Test
    void framesNeverExceedFrameBytesMax() throws IOException {
        Socket reserved = reservedPort();
        TestNode b = node(2);
        b.transport.addPeer(1, address(reserved));
        TestNode a = unstartedNode(1, cfg -> cfg.peer(2, b.address()).frameBytesMax(1024));
        List<RaftMessage> heartbeats = SampleMessages.numberedHeartbeats(1000); // 26 bytes each
        heartbeats.forEach(m -> a.send(2, m));
        a.transport.start();
        Structural.assertSame(heartbeats, TestNode.from(1, b.take(1000)));
        await("a counted its frames", () -> a.transport.counters().messagesSent() == 1000);
        int perFrame = (1024 - FrameCodec.BATCH_HEADER_BYTES) / 26; // 39
        long frames = (1000 + perFrame - 1) / perFrame;
        assertEquals(frames, a.transport.counters().framesSent());
        assertEquals(1000 * 26 + frames * (FrameCodec.LENGTH_FIELD_BYTES + FrameCodec.BATCH_HEADER_BYTES),
                a.transport.counters().bytesSent());
    }

    @Test
    void aThousandMessagesSentWhileConnectedArriveInOrderInFarFewerFrames() {
        TestNode a = node(1), b = node(2);
        TestNode.mesh(a, b);
        a.awaitConnected(2);
        List<RaftMessage> heartbeats = SampleMessages.numberedHeartbeats(1000);
        heartbeats.forEach(m -> a.send(2, m));
        Structural.assertSame(heartbeats, TestNode.from(1, b.take(1000)));
        await("a counted its sends", () -> a.transport.counters().messagesSent() == 1000);
        long frames = a.transport.counters().framesSent();
        assertTrue(frames <= 100, "1000 messages took " + frames + " frames");
    }

    @Test
    void aPeerThatGoesDownAndComesBackIsRedialedAndDeliveryResumes() {
        TestNode a = node(1), b = node(2);
        TestNode.mesh(a, b);
        a.send(2, new RaftMessage.TimeoutNow(1));
        Structural.assertSame(new RaftMessage.TimeoutNow(1), b.take().message());
        int port = b.address().getPort();
        b.close();
        await("a noticed that b is gone", () -> !a.transport.peerStatus(2).orElseThrow().connected());
        a.send(2, new RaftMessage.TimeoutNow(2)); // waits in a's queue while b is down

        TestNode b2 = track(new TestNode(2, CLUSTER, port, cfg -> cfg.peer(1, a.address()), PeerTls.NONE));
        b2.transport.start();
        Structural.assertSame(new RaftMessage.TimeoutNow(2), b2.take().message());
        assertTrue(a.transport.counters().reconnects() >= 1, a.transport.counters().toString());
        a.send(2, new RaftMessage.TimeoutNow(3));
        Structural.assertSame(new RaftMessage.TimeoutNow(3), b2.take().message());
    }

    @Test
    void anUnreachablePeerFillsItsBoundedQueueAndTheRestIsDroppedAndCounted() throws IOException {
        Socket reserved = reservedPort();
        TestNode a = node(1, cfg -> cfg.outboundQueueMessagesMax(10).peer(9, address(reserved)));
        SampleMessages.numberedHeartbeats(25).forEach(m -> a.send(9, m));
        assertEquals(15, a.transport.counters().dropped(DropReason.QUEUE_FULL));
        PeerStatus status = a.transport.peerStatus(9).orElseThrow();
        assertEquals(10, status.queuedMessages());
        assertFalse(status.connected());
        await("a redials with backoff", () -> a.transport.counters().connectFailures() >= 2);

        a.send(42, new RaftMessage.TimeoutNow(1));
        assertEquals(1, a.transport.counters().dropped(DropReason.UNKNOWN_PEER));
        a.transport.close();
        assertEquals(10, a.transport.counters().dropped(DropReason.TRANSPORT_CLOSED));
        a.send(9, new RaftMessage.TimeoutNow(1));
        assertEquals(11, a.transport.counters().dropped(DropReason.TRANSPORT_CLOSED));
    }

    @Test
    void aNodeOfAnotherClusterIsRefused() {
        TestNode a = node(1);
        TestNode x = track(new TestNode(2, CLUSTER + 1, 0, cfg -> cfg.peer(1, a.address()), PeerTls.NONE));
        x.transport.start();
        a.transport.addPeer(2, x.address()); // a knows the id; only the cluster differs
        x.send(1, new RaftMessage.TimeoutNow(1));
        await("a refused x", () -> a.transport.counters().handshakesRefused() >= 1);
        await("x saw the refusal", () -> x.transport.counters().handshakesFailed() >= 1);
        assertFalse(x.transport.peerStatus(1).orElseThrow().connected());
        assertEquals(0, a.transport.counters().messagesReceived());
        a.assertInboxEmpty();
    }

    @Test
    void aNodeMissingFromThePeerTableIsRefused() {
        TestNode a = node(1);
        TestNode z = node(99, cfg -> cfg.peer(1, a.address()));
        z.send(1, new RaftMessage.TimeoutNow(1));
        await("a refused z", () -> a.transport.counters().handshakesRefused() >= 1);
        await("z saw the refusal", () -> z.transport.counters().handshakesFailed() >= 1);
        assertEquals(1, z.transport.peerStatus(1).orElseThrow().queuedMessages());
        a.assertInboxEmpty();
    }

    @Test
    void aPeerAddressThatReachesTheWrongNodeIsDetected() {
        TestNode a = node(1), c = node(3);
        c.transport.addPeer(1, a.address());
        a.transport.addPeer(2, c.address()); // misconfigured: node 2's address is where node 3 listens
        a.send(2, new RaftMessage.TimeoutNow(1));
        await("c refused a dial meant for node 2", () -> c.transport.counters().handshakesRefused() >= 1);
        await("a saw the refusal", () -> a.transport.counters().handshakesFailed() >= 1);
        assertFalse(a.transport.peerStatus(2).orElseThrow().connected());
        c.assertInboxEmpty();
    }

    @Test
    void aReplyFromTheWrongNodeIsDetectedByTheDialer() throws IOException {
        try (ServerSocket impostorListener = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"))) {
            impostorListener.setSoTimeout((int) TestNode.WAIT_MS);
            InetSocketAddress impostorAddress = new InetSocketAddress("127.0.0.1", impostorListener.getLocalPort());
            TestNode a = node(1, cfg -> cfg.peer(2, impostorAddress));
            try (RawPeer impostor = new RawPeer(impostorListener.accept())) {
                var hello = assertInstanceOf(Handshake.Hello.class,
                        FrameCodec.readHandshake(Unpooled.wrappedBuffer(impostor.readFrameBody())));
                assertEquals(new Handshake.Hello(FrameCodec.PROTOCOL_VERSION, RaftMessageCodec.VERSION, CLUSTER, 1, 2,
                        hello.bootId(), ""), hello);
                assertTrue(hello.bootId() != 0, "a process names its boot");
                impostor.sendHello(CLUSTER, 3, 1); // "this is node 3"
                assertTrue(impostor.closedByOtherEnd(), "a should hang up on node 3");
            }
            await("a counted the failed handshake", () -> a.transport.counters().handshakesFailed() >= 1);
            assertFalse(a.transport.peerStatus(2).orElseThrow().connected());
        }
    }

    @Test
    void oversizedAndMalformedFramesCloseThatConnectionAndTheReceiverCarriesOn() throws IOException {
        Socket reserved = reservedPort();
        TestNode a = node(1, cfg -> cfg.frameBytesMax(1024).peer(5, address(reserved)));
        TestNode b = node(2);
        TestNode.mesh(a, b);
        try (RawPeer raw = RawPeer.dial(a.address())) {
            handshakeAs(raw, 5);
            raw.sendRaw(ByteBuffer.allocate(4 + 16).putInt(1025).array()); // a 1025-byte frame header
            assertTrue(raw.closedByOtherEnd(), "a should close a connection that sends an oversized frame");
        }
        try (RawPeer raw = RawPeer.dial(a.address())) {
            handshakeAs(raw, 5);
            raw.sendRaw(ByteBuffer.allocate(4 + 14).putInt(14).put((byte) FrameCodec.TYPE_BATCH).putInt(1)
                    .put((byte) 99).array()); // a batch holding a message with unknown tag 99
            assertTrue(raw.closedByOtherEnd(), "a should close a connection that sends a malformed frame");
        }
        await("a counted both errors", () -> a.transport.counters().inboundErrors() >= 2);
        b.send(1, new RaftMessage.TimeoutNow(7));
        Structural.assertSame(new RaftMessage.TimeoutNow(7), a.take().message());
        a.assertInboxEmpty();
    }

    @Test
    void aMessageLargerThanAFrameIsDroppedAndCountedAndTheRestGoThrough() {
        TestNode a = node(1, cfg -> cfg.frameBytesMax(1024)), b = node(2);
        TestNode.mesh(a, b);
        var big = new RaftMessage.AppendEntries(1, 0, 0, List.of(new LogEntry(1, 1, LogEntry.Kind.COMMAND, new byte[2000])), 0);
        a.send(2, new RaftMessage.TimeoutNow(1));
        a.send(2, big);
        a.send(2, new RaftMessage.TimeoutNow(2));
        Structural.assertSame(List.of(new RaftMessage.TimeoutNow(1), new RaftMessage.TimeoutNow(2)),
                TestNode.from(1, b.take(2)));
        assertEquals(1, a.transport.counters().dropped(DropReason.MESSAGE_TOO_LARGE));
    }

    @Test
    void aSlowReceiverStopsReadingAndCatchesUpWhenReleased() throws InterruptedException {
        TestNode a = node(1), b = node(2, cfg -> cfg.inboundBatchesPendingMax(1));
        TestNode.mesh(a, b);
        a.awaitConnected(2);
        CountDownLatch release = new CountDownLatch(1);
        b.loop.execute(() -> awaitQuietly(release)); // b's node loop is busy
        List<RaftMessage> heartbeats = SampleMessages.numberedHeartbeats(50);
        for (int i = 0; i < heartbeats.size(); i++) {
            a.send(2, heartbeats.get(i));
            long framesExpected = i + 1;
            await("frame " + framesExpected + " written", () -> a.transport.counters().framesSent() == framesExpected);
        }
        Thread.sleep(50); // time for b to read what it would read
        long framesRead = b.transport.counters().framesReceived();
        assertTrue(framesRead <= 10, "b read " + framesRead + " frames with one batch pending");
        release.countDown();
        Structural.assertSame(heartbeats, TestNode.from(1, b.take(50)));
    }

    @Test
    void removingAPeerClosesItsConnectionsAndRefusesItFromThenOn() {
        TestNode a = node(1), b = node(2);
        TestNode.mesh(a, b);
        b.send(1, new RaftMessage.TimeoutNow(1));
        a.take();
        a.transport.removePeer(2);
        a.send(2, new RaftMessage.TimeoutNow(2));
        assertEquals(1, a.transport.counters().dropped(DropReason.UNKNOWN_PEER));
        await("b redialed and was refused", () -> a.transport.counters().handshakesRefused() >= 1);
        assertEquals(List.of(1L), List.copyOf(b.transport.peerIds()));
        assertTrue(a.transport.peerIds().isEmpty());
    }

    private static void handshakeAs(RawPeer raw, long sender) throws IOException {
        raw.sendHello(CLUSTER, sender, 1);
        var reply = assertInstanceOf(Handshake.Hello.class, FrameCodec.readHandshake(Unpooled.wrappedBuffer(raw.readFrameBody())));
        assertEquals(1, reply.senderNodeId());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(TestNode.WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private TestNode node(long id) {
        return track(TestNode.started(id));
    }

    private TestNode node(long id, UnaryOperator<TransportConfig.Builder> tweak) {
        return track(TestNode.started(id, tweak));
    }

    private TestNode unstartedNode(long id, UnaryOperator<TransportConfig.Builder> tweak) {
        return track(new TestNode(id, CLUSTER, 0, tweak, PeerTls.NONE));
    }

    private <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }

    /** A loopback port that is bound but not listening: connecting to it is refused at once. */
    private Socket reservedPort() throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress("127.0.0.1", 0));
        return track(socket);
    }

    private static InetSocketAddress address(Socket reserved) {
        return new InetSocketAddress("127.0.0.1", reserved.getLocalPort());
    }
}
