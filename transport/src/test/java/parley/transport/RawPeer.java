package parley.transport;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;

/**
 * A peer written against the documented wire format with plain blocking sockets, independent of the
 * transport's own encoder: it can say things the transport never would (oversized frames, garbage).
 */
final class RawPeer implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;

    RawPeer(Socket socket) {
        try {
            this.socket = socket;
            socket.setSoTimeout((int) TestNode.WAIT_MS);
            this.in = new DataInputStream(socket.getInputStream());
            this.out = new DataOutputStream(socket.getOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RawPeer dial(InetSocketAddress address) {
        try {
            return new RawPeer(new Socket(address.getAddress(), address.getPort()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void sendHello(long clusterId, long sender, long receiver) throws IOException {
        out.writeInt(FrameCodec.HELLO_BODY_BYTES); // with an empty identity
        out.writeByte(FrameCodec.TYPE_HELLO);
        out.writeInt(FrameCodec.MAGIC);
        out.writeShort(FrameCodec.PROTOCOL_VERSION);
        out.writeShort(RaftMessageCodec.VERSION);
        out.writeLong(clusterId);
        out.writeLong(sender);
        out.writeLong(receiver);
        out.writeLong(0); // boot id: unknown, so never taken for a duplicate
        out.writeShort(0); // no identity in words
        out.flush();
    }

    /** Reads one frame and returns its body (length field stripped). */
    byte[] readFrameBody() throws IOException {
        int length = in.readInt();
        if (length < 0 || length > 1 << 20) throw new IOException("implausible frame length " + length);
        byte[] body = new byte[length];
        in.readFully(body);
        return body;
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** True when the other end closes the connection within the socket timeout. */
    boolean closedByOtherEnd() throws IOException {
        try {
            while (in.read() != -1) {
                // discard anything still in flight
            }
            return true;
        } catch (EOFException | SocketException e) {
            return true; // reset
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
