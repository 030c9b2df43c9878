package parley.membership;

import java.util.List;

/**
 * The SWIM protocol's messages. Every message piggybacks up to {@link SwimConfig#gossipPerMessageMax}
 * {@link Update updates}; a push-pull chunk carries up to {@link SwimConfig#pushPullChunkMax}. A message
 * is therefore at most {@link #encodedBytesMax} bytes, whatever the cluster size.
 */
public sealed interface SwimMessage {
    /** Header bytes of any message: kind 1, sequence 8, a member id 8, an origin id 8, counts 2+2+2. */
    int HEADER_BYTES_MAX = 1 + 8 + 8 + 8 + 6;

    /** The updates this message carries. */
    List<Update> gossip();

    /** An upper bound on the encoded size of any message under {@code config}. */
    static int encodedBytesMax(SwimConfig config) {
        return HEADER_BYTES_MAX + Math.max(config.gossipPerMessageMax(), config.pushPullChunkMax()) * Update.ENCODED_BYTES_MAX;
    }

    /** Probe: "are you alive?". Answered by an {@link Ack} with the same sequence. */
    record Ping(long sequence, List<Update> gossip) implements SwimMessage {
        public Ping { gossip = List.copyOf(gossip); }
    }

    /** Answer to a {@link Ping}, or forwarded by a helper to the member that asked it to probe. */
    record Ack(long sequence, List<Update> gossip) implements SwimMessage {
        public Ack { gossip = List.copyOf(gossip); }
    }

    /** Indirect probe request: "ping {@code targetId} for me; answer with Ack or Nack of {@code sequence}". */
    record PingReq(long sequence, long targetId, List<Update> gossip) implements SwimMessage {
        public PingReq { gossip = List.copyOf(gossip); }
    }

    /**
     * Lifeguard: a helper's "I asked, the target did not answer in time". A prober that receives fewer
     * nacks than it asked for learns that the problem may be its own network or its own slowness.
     */
    record Nack(long sequence, List<Update> gossip) implements SwimMessage {
        public Nack { gossip = List.copyOf(gossip); }
    }

    /** Gossip alone, with no protocol duty (a graceful leave is announced this way). */
    record Gossip(List<Update> gossip) implements SwimMessage {
        public Gossip { gossip = List.copyOf(gossip); }
    }

    /**
     * One chunk of a full-state exchange (also the join message). The receiver merges {@code gossip} (here:
     * the sender's view, chunk {@code chunkIndex} of {@code chunkCount}); when {@code replyWanted} and this
     * is the first chunk, it answers with its own full view in chunks.
     */
    record PushPull(boolean replyWanted, int chunkIndex, int chunkCount, List<Update> gossip) implements SwimMessage {
        public PushPull {
            gossip = List.copyOf(gossip);
            if (chunkCount < 1 || chunkIndex < 0 || chunkIndex >= chunkCount) {
                throw new IllegalArgumentException("chunk " + chunkIndex + " of " + chunkCount);
            }
        }
    }
}
