package parley.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import parley.raft.RaftMessage;

/**
 * Round trips of random messages of every type, and fuzzing: random or corrupted bytes either decode
 * or throw {@link CodecException}, and never make the decoder allocate more than a small multiple of
 * the input (no allocation is sized by an unchecked length field).
 */
class RaftMessageCodecPropertyTest {
    /** Decoded objects (boxed ids in tree sets, entry records) outweigh their wire bytes by up to ~8x. */
    private static final long ALLOCATION_BYTES_PER_INPUT_BYTE_MAX = 16;
    /** Exceptions with stack traces and their messages, independent of the input size. */
    private static final long ALLOCATION_BYTES_FIXED_MAX = 128 * 1024;

    private final RaftMessageCodec codec = RaftMessageCodec.withDefaultLimits();

    @Provide
    Arbitrary<RaftMessage> messages() {
        return SampleMessages.any();
    }

    @Property(tries = 2000)
    void encodeThenDecodeIsIdentity(@ForAll("messages") RaftMessage message) {
        byte[] bytes = codec.encodeToArray(message);
        assertEquals(codec.encodedSizeBytes(message), bytes.length);
        Structural.assertSame(message, codec.decodeArray(bytes));
    }

    @Property(tries = 2000)
    void randomBytesOnlyEverThrowCodecException(@ForAll @Size(max = 300) byte[] bytes) {
        decodeWithinAllocationBound(bytes);
    }

    @Property(tries = 2000)
    void randomBytesAfterAValidTagOnlyEverThrowCodecException(@ForAll("tags") byte tag, @ForAll @Size(max = 300) byte[] rest) {
        byte[] bytes = new byte[rest.length + 1];
        bytes[0] = tag;
        System.arraycopy(rest, 0, bytes, 1, rest.length);
        decodeWithinAllocationBound(bytes);
    }

    @Property(tries = 2000)
    void corruptedEncodingsOnlyEverThrowCodecException(@ForAll("messages") RaftMessage message,
                                                       @ForAll("positions") int position, @ForAll byte value,
                                                       @ForAll("positions") int cut) {
        byte[] bytes = codec.encodeToArray(message);
        bytes[position % bytes.length] = value;
        byte[] truncated = java.util.Arrays.copyOf(bytes, Math.min(bytes.length, cut % (bytes.length + 1) + bytes.length / 2));
        decodeWithinAllocationBound(truncated);
    }

    @net.jqwik.api.Example
    void theAllocationMeterSeesADecodedChunk() {
        var config = parley.raft.ClusterConfig.ofVoters(1L);
        byte[] bytes = codec.encodeToArray(new RaftMessage.InstallSnapshot(1, 1, 1, config, 0, 0, new byte[100_000], true));
        long allocated = allocatedBytesDuring(() -> codec.decodeArray(bytes));
        assertTrue(allocated >= 100_000, "meter saw only " + allocated + " bytes");
    }

    @Provide
    Arbitrary<Byte> tags() {
        return Arbitraries.bytes().between((byte) 1, (byte) 11);
    }

    @Provide
    Arbitrary<Integer> positions() {
        return Arbitraries.integers().between(0, 1 << 20);
    }

    private void decodeWithinAllocationBound(byte[] bytes) {
        long allocated = allocatedBytesDuring(() -> {
            try {
                codec.decodeArray(bytes);
            } catch (CodecException expected) {
                // The only exception allowed.
            }
        });
        long bound = ALLOCATION_BYTES_FIXED_MAX + ALLOCATION_BYTES_PER_INPUT_BYTE_MAX * bytes.length;
        assertTrue(allocated <= bound, "decoding " + bytes.length + " bytes allocated " + allocated + " bytes");
    }

    private static long allocatedBytesDuring(Runnable action) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        action.run();
        return threads.getCurrentThreadAllocatedBytes() - before;
    }
}
