package parley.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static parley.kv.Kv.b;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Strict decoding: every malformation is an IllegalArgumentException naming the flaw. */
class CodecTest {
    private static final KvCommand.Put PUT = KvCommand.Put.of(b("key"), b("value"));

    private static String rejection(byte[] bytes) {
        return assertThrows(IllegalArgumentException.class, () -> KvCodec.decodeCommand(bytes)).getMessage();
    }

    @Test
    void aPutIsCompact() {
        byte[] bytes = KvCodec.encodeCommand(PUT);
        assertEquals(2 + 1 + 3 + 1 + 5 + 1 + 3, bytes.length, "version, tag, key, value, lease, three flags");
        assertEquals(PUT, KvCodec.decodeCommand(bytes));
    }

    @Test
    void truncationAtEveryPointIsRejected() {
        byte[] bytes = KvCodec.encodeCommand(new KvCommand.Txn(List.of(Compare.value(b("a"), Compare.Result.EQUAL, b("x"))),
                List.of(PUT), List.of(KvCommand.Range.of(KeyRange.prefix(b("p"))))));
        for (int length = 0; length < bytes.length; length++) {
            assertTrue(rejection(Arrays.copyOf(bytes, length)).startsWith("malformed kv command"));
        }
    }

    @Test
    void trailingBytesUnknownTagsAndBadFlagsAreRejected() {
        byte[] bytes = KvCodec.encodeCommand(PUT);
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        assertTrue(rejection(longer).contains("trailing"));
        byte[] unknownTag = bytes.clone();
        unknownTag[1] = 99;
        assertTrue(rejection(unknownTag).contains("unknown command tag 99"));
        byte[] badFlag = bytes.clone();
        badFlag[badFlag.length - 1] = 2;
        assertTrue(rejection(badFlag).contains("neither 0 nor 1"));
        byte[] badVersion = bytes.clone();
        badVersion[0] = 7;
        assertTrue(rejection(badVersion).contains("format version 7"));
        assertTrue(rejection(null).contains("null"));
    }

    @Test
    void lengthsBeyondTheInputAndOverlongVarintsAreRejected() {
        assertTrue(rejection(new byte[] {1, 2, 100}).contains("byte string length"));
        assertTrue(rejection(new byte[] {1, 5, (byte) 0x80, 0}).contains("shortest form"));
        byte[] elevenBytes = {1, 5, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 1};
        assertTrue(rejection(elevenBytes).contains("varint"));
    }

    @Test
    void hostileNestingIsBoundedByTheCodec() {
        KvCommand.Txn txn = new KvCommand.Txn(List.of(), List.of(), List.of());
        for (int depth = 1; depth <= KvCodec.TXN_DEPTH_MAX; depth++) {
            txn = new KvCommand.Txn(List.of(), List.of(txn), List.of());
        }
        assertTrue(rejection(KvCodec.encodeCommand(txn)).contains("nest deeper"));
    }

    @Test
    void resultsRoundTripAndRejectGarbage() {
        KvResult result = new KvResult.TxnResult(5, true, List.of(
                new KvResult.PutResult(5, new KeyValue(b("a"), 2, 3, 2, b("v"), 7)),
                new KvResult.RangeResult(5, List.of(new KeyValue(b("b"), 4, 4, 1, Bytes.EMPTY, 0)), true, 9)));
        byte[] bytes = KvCodec.encodeResult(result);
        assertEquals(result, KvCodec.decodeResult(bytes));
        assertArrayEquals(bytes, KvCodec.encodeResult(KvCodec.decodeResult(bytes)));
        byte[] wrong = bytes.clone();
        wrong[1] = 42;
        assertThrows(IllegalArgumentException.class, () -> KvCodec.decodeResult(wrong));
    }
}
