package parley.transport;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;

/**
 * Turns one protocol's messages into bytes and back. The transport frames and batches whatever a codec
 * produces; the codec knows nothing of connections. Implementations are stateless apart from their
 * limits, and so safe to share between threads.
 *
 * <p>Decoding is strict and bounded: it reads exactly one message, throws {@link CodecException} (and
 * nothing else) on bad input, and never allocates in proportion to a length field it has not checked
 * against the bytes actually present.
 *
 * @param <M> the protocol's message type
 */
public interface MessageCodec<M> {
    /** The layout version, exchanged in the connection handshake; peers must agree on it. */
    int version();

    /** The exact number of bytes {@link #encode} writes for {@code message}. */
    int encodedSizeBytes(M message);

    /** The size of the smallest message this codec can produce; bounds message counts in a frame. */
    int encodedSizeBytesMin();

    /** Appends the encoding of {@code message} to {@code out}. */
    void encode(M message, ByteBuf out);

    /** Reads one message from {@code in}, leaving the reader index just past it. */
    M decode(ByteBuf in);
}
