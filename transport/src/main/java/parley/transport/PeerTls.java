package parley.transport;

import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;

/**
 * Optional TLS for peer connections. The contexts are built by the caller (certificates, trust, client
 * authentication); the transport only puts them in the pipeline. The handshake's identity check runs on
 * top of TLS either way: TLS proves who holds a certificate, the handshake checks the node id and
 * cluster id against the configuration.
 *
 * @param server context for accepted connections, or null for plaintext
 * @param client context for dialed connections, or null for plaintext
 *
 * <p>A dialer also checks that the peer's certificate names the host it dialed (HTTPS endpoint
 * identification), so a certificate for one address cannot serve another.
 */
public record PeerTls(SslContext server, SslContext client) {
    /** Plaintext both ways. */
    public static final PeerTls NONE = new PeerTls(null, null);

    public PeerTls {
        if (server != null && !server.isServer()) throw new IllegalArgumentException("server context must be a server SslContext");
        if (client != null && !client.isClient()) throw new IllegalArgumentException("client context must be a client SslContext");
    }
}
