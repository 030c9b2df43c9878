package parley.transport;

import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.SocketChannel;
import io.grpc.netty.shaded.io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import javax.net.ssl.SSLParameters;

/** Assembles the two channel pipelines: optional TLS, then the frame splitter, then the peer handler. */
final class Pipelines {
    private Pipelines() {}

    static void acceptor(SocketChannel channel, SslContext tls, int frameBytesMax, ChannelHandler handler) {
        if (tls != null) channel.pipeline().addLast("tls", tls.newHandler(channel.alloc()));
        channel.pipeline().addLast("frames", frameDecoder(frameBytesMax));
        channel.pipeline().addLast("peer", handler);
    }

    static void dialer(SocketChannel channel, PeerTls tls, InetSocketAddress peerAddress, int frameBytesMax,
                       ChannelHandler handler) {
        if (tls.client() != null) {
            SslHandler ssl = tls.client().newHandler(channel.alloc(), peerAddress.getHostString(), peerAddress.getPort());
            SSLParameters parameters = ssl.engine().getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            ssl.engine().setSSLParameters(parameters);
            channel.pipeline().addLast("tls", ssl);
        }
        channel.pipeline().addLast("frames", frameDecoder(frameBytesMax));
        channel.pipeline().addLast("peer", handler);
    }

    /**
     * Splits the stream at u32 length fields and strips them. A length above {@code frameBytesMax}
     * fails fast (before its bytes arrive) with a {@code TooLongFrameException}.
     */
    private static LengthFieldBasedFrameDecoder frameDecoder(int frameBytesMax) {
        int lengthField = FrameCodec.LENGTH_FIELD_BYTES;
        return new LengthFieldBasedFrameDecoder(ByteOrder.BIG_ENDIAN, frameBytesMax + lengthField, 0, lengthField,
                0, lengthField, true);
    }
}
