package parley.torture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;

class LinkProxyTest {
    /** An echo server behind a proxy: what passes the proxy comes back through it. */
    @Test
    void passesDelaysAndCutsTheStream() throws Exception {
        int[] ports = FreePorts.pick(2);
        try (ServerSocket echo = new ServerSocket(ports[0], 8, InetAddress.getLoopbackAddress());
             LinkProxy proxy = new LinkProxy(1, 2, ports[1], ports[0], 1)) {
            Thread.ofVirtual().start(() -> serveEcho(echo));
            try (Socket s = connect(ports[1])) {
                assertArrayEquals(new byte[] {1, 2, 3}, roundTrip(s, new byte[] {1, 2, 3}));
                proxy.delay(150, 0);
                long start = System.nanoTime();
                assertArrayEquals(new byte[] {4}, roundTrip(s, new byte[] {4}));
                assertTrue(System.nanoTime() - start >= 150_000_000L, "delayed (held on the way there)");
                proxy.delay(0, 0);
                proxy.cut(true);
                // The open connection is reset; a new one is accepted but nothing gets through.
                assertThrows(IOException.class, () -> roundTrip(s, new byte[] {5}));
            }
            try (Socket s = connect(ports[1])) {
                s.setSoTimeout(300);
                s.getOutputStream().write(6);
                assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read());
                proxy.heal();
            }
            try (Socket s = connect(ports[1])) {
                assertArrayEquals(new byte[] {7}, roundTrip(s, new byte[] {7}));
            }
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(3_000);
        return s;
    }

    private static byte[] roundTrip(Socket s, byte[] bytes) throws IOException {
        s.getOutputStream().write(bytes);
        s.getOutputStream().flush();
        byte[] back = new byte[bytes.length];
        InputStream in = s.getInputStream();
        for (int got = 0; got < back.length; ) {
            int n = in.read(back, got, back.length - got);
            if (n < 0) throw new IOException("closed");
            got += n;
        }
        return back;
    }

    private static void serveEcho(ServerSocket server) {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().start(() -> {
                    try (s) {
                        s.getInputStream().transferTo(s.getOutputStream());
                    } catch (IOException ignored) {
                        // closed
                    }
                });
            } catch (IOException e) {
                return;
            }
        }
    }
}
