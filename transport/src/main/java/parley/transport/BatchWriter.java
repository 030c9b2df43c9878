package parley.transport;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;

/**
 * Turns one peer's queue into BATCH frames: as many messages per frame as {@code frameBytesMax}
 * allows, as many frames as the channel will take before it stops being writable, then one flush. A
 * message too large for any frame is dropped and counted. Messages are counted as sent when their
 * frame's write succeeds, and as lost with the connection when it fails. Used on the peer's event loop
 * only.
 */
final class BatchWriter<M> {
    private static final System.Logger LOG = System.getLogger(BatchWriter.class.getName());

    private final long peerId;
    private final TransportContext<M> context;
    private final List<M> batch = new ArrayList<>();

    BatchWriter(long peerId, TransportContext<M> context) {
        this.peerId = peerId;
        this.context = context;
    }

    /** Drains {@code queue} into {@code channel} while it is writable; flushes once if anything was written. */
    void drain(Queue<M> queue, Channel channel) {
        boolean wrote = false;
        while (channel.isWritable()) {
            long bodyBytes = fill(queue);
            if (batch.isEmpty()) break;
            write(channel, (int) bodyBytes);
            wrote = true;
        }
        if (wrote) channel.flush();
    }

    /** Moves queued messages into {@link #batch}, up to one frame's worth; returns the frame body size. */
    private long fill(Queue<M> queue) {
        batch.clear();
        int frameBytesMax = context.config().frameBytesMax();
        long bodyBytes = FrameCodec.BATCH_HEADER_BYTES;
        M message;
        while ((message = queue.peek()) != null) {
            int size = context.codec().encodedSizeBytes(message);
            if (FrameCodec.BATCH_HEADER_BYTES + (long) size > frameBytesMax) {
                queue.poll();
                context.counters().onDropped(DropReason.MESSAGE_TOO_LARGE, 1);
                LOG.log(Level.WARNING, () -> "node " + context.nodeId() + ": dropping a message to node "
                        + peerId + ": " + size + " bytes exceed frameBytesMax " + frameBytesMax);
                continue;
            }
            if (bodyBytes + size > frameBytesMax) break;
            queue.poll();
            batch.add(message);
            bodyBytes += size;
        }
        return bodyBytes;
    }

    private void write(Channel channel, int bodyBytes) {
        ByteBuf frame = FrameCodec.batch(channel.alloc(), batch, bodyBytes, context.codec());
        int messages = batch.size();
        int frameBytes = frame.readableBytes();
        TransportCounters counters = context.counters();
        channel.write(frame).addListener(f -> {
            if (f.isSuccess()) {
                counters.onFrameSent(messages, frameBytes);
            } else {
                counters.onDropped(DropReason.CONNECTION_LOST, messages);
            }
        });
        batch.clear();
    }
}
