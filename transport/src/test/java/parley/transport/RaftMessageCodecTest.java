package parley.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import parley.raft.ClusterConfig;
import parley.raft.LogEntry;
import parley.raft.RaftMessage;

/** The Raft message layout, pinned by golden bytes, and strict decoding, error by error. */
class RaftMessageCodecTest {
    private final RaftMessageCodec codec = RaftMessageCodec.withDefaultLimits();
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void preVoteLayoutIsPinned() {
        byte[] bytes = codec.encodeToArray(new RaftMessage.PreVote(7, 100, 6));
        assertEquals("01" + "0000000000000007" + "0000000000000064" + "0000000000000006", HEX.formatHex(bytes));
    }

    @Test
    void appendEntriesLayoutIsPinned() {
        var entry = new LogEntry(3, 11, LogEntry.Kind.COMMAND, new byte[] {(byte) 0xAB, (byte) 0xCD});
        byte[] bytes = codec.encodeToArray(new RaftMessage.AppendEntries(4, 10, 3, List.of(entry), 9));
        assertEquals("05" + "0000000000000004" + "000000000000000a" + "0000000000000003" + "0000000000000009"
                + "00000001" + "0000000000000003" + "000000000000000b" + "01" + "00000002" + "abcd", HEX.formatHex(bytes));
    }

    @Test
    void installSnapshotLayoutIsPinned() {
        var config = new ClusterConfig(Set.of(2L, 1L), Set.of(), Set.of(3L));
        byte[] bytes = codec.encodeToArray(new RaftMessage.InstallSnapshot(5, 20, 4, config, 100, 0, new byte[] {7}, true));
        assertEquals("09" + "0000000000000005" + "0000000000000014" + "0000000000000004"
                + "00000002" + "0000000000000001" + "0000000000000002" + "00000000" + "00000001" + "0000000000000003"
                + "0000000000000064" + "0000000000000000" + "01" + "00000001" + "07", HEX.formatHex(bytes));
    }

    @Test
    void everyTypeRoundTripsAndItsSizeIsExact() {
        for (RaftMessage message : SampleMessages.oneOfEach()) {
            byte[] bytes = codec.encodeToArray(message);
            assertEquals(codec.encodedSizeBytes(message), bytes.length, message.toString());
            Structural.assertSame(message, codec.decodeArray(bytes));
        }
    }

    @Test
    void unknownTagIsNamed() {
        CodecException e = assertThrows(CodecException.class, () -> codec.decodeArray(HEX.parseHex("63")));
        assertEquals("message", e.messageType());
        assertEquals("tag", e.field());
    }

    @Test
    void everyTruncationOfEveryTypeIsACodecException() {
        for (RaftMessage message : SampleMessages.oneOfEach()) {
            byte[] bytes = codec.encodeToArray(message);
            for (int length = 0; length < bytes.length; length++) {
                byte[] cut = java.util.Arrays.copyOf(bytes, length);
                assertThrows(CodecException.class, () -> codec.decodeArray(cut), message + " cut at " + length);
            }
        }
    }

    @Test
    void truncationInsideAnEntryNamesTheEntryAndField() {
        byte[] bytes = codec.encodeToArray(SampleMessages.oneOfEach().get(4)); // AppendEntries, 3 entries
        byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 2); // inside entries[2].data
        CodecException e = assertThrows(CodecException.class, () -> codec.decodeArray(cut));
        assertEquals("AppendEntries", e.messageType());
        assertEquals("entries[2].data", e.field());
    }

    @Test
    void booleansMustBeZeroOrOne() {
        byte[] bytes = codec.encodeToArray(new RaftMessage.PreVoteResponse(1, true));
        bytes[9] = 2;
        CodecException e = assertThrows(CodecException.class, () -> codec.decodeArray(bytes));
        assertEquals("PreVoteResponse", e.messageType());
        assertEquals("granted", e.field());
    }

    @Test
    void entryCountAboveTheLimitIsRefused() {
        RaftMessageCodec strict = new RaftMessageCodec(2, 10);
        byte[] bytes = codec.encodeToArray(SampleMessages.oneOfEach().get(4)); // 3 entries
        CodecException e = assertThrows(CodecException.class, () -> strict.decodeArray(bytes));
        assertEquals("entries", e.field());
    }

    @Test
    void countsThatCannotFitTheInputAreRefusedBeforeAllocating() {
        // AppendEntries claiming 1,000,000 entries in a 41-byte message.
        byte[] bytes = HEX.parseHex("05" + "00".repeat(32) + "000f4240" + "00".repeat(4));
        CodecException e = assertThrows(CodecException.class, () -> codec.decodeArray(bytes));
        assertEquals("entries", e.field());
        // A chunk length of 2^32 - 1.
        byte[] chunk = HEX.parseHex("09" + "00".repeat(24) + "00000000".repeat(3) + "00".repeat(17) + "ffffffff");
        e = assertThrows(CodecException.class, () -> codec.decodeArray(chunk));
        assertEquals("InstallSnapshot", e.messageType());
        assertEquals("chunk", e.field());
    }

    @Test
    void memberSetsMustBeStrictlyAscendingAndDisjoint() {
        byte[] unsorted = HEX.parseHex("09" + "00".repeat(24) + "00000002" + "0000000000000002" + "0000000000000001");
        CodecException e = assertThrows(CodecException.class, () -> codec.decodeArray(unsorted));
        assertEquals("config.voters", e.field());
        byte[] overlap = HEX.parseHex("09" + "00".repeat(24) + "00000001" + "0000000000000001" + "00000000"
                + "00000001" + "0000000000000001");
        e = assertThrows(CodecException.class, () -> codec.decodeArray(overlap));
        assertEquals("config.learners", e.field());
    }

    @Test
    void entryDomainIsChecked() {
        var entry = new LogEntry(1, 1, LogEntry.Kind.NOOP, new byte[0]);
        byte[] bytes = codec.encodeToArray(new RaftMessage.AppendEntries(1, 0, 0, List.of(entry), 0));
        byte[] zeroTerm = bytes.clone();
        zeroTerm[44] = 0; // last byte of entries[0].term
        assertEquals("entries[0].term", assertThrows(CodecException.class, () -> codec.decodeArray(zeroTerm)).field());
        byte[] badKind = bytes.clone();
        badKind[53] = 9;
        assertEquals("entries[0].kind", assertThrows(CodecException.class, () -> codec.decodeArray(badKind)).field());
    }

    @Test
    void trailingBytesAreRefused() {
        byte[] bytes = java.util.Arrays.copyOf(codec.encodeToArray(new RaftMessage.TimeoutNow(1)), 10);
        assertEquals("end", assertThrows(CodecException.class, () -> codec.decodeArray(bytes)).field());
    }
}
