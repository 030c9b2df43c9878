package parley.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static parley.kv.Kv.b;

import org.junit.jupiter.api.Test;

class BytesAndRangesTest {
    @Test
    void bytesCompareUnsignedAndPrefixFirst() {
        assertTrue(Bytes.of((byte) 0x7f).compareTo(Bytes.of((byte) 0x80)) < 0, "0x80 is above 0x7f unsigned");
        assertTrue(b("a").compareTo(b("ab")) < 0);
        assertTrue(Bytes.EMPTY.compareTo(Bytes.ZERO) < 0);
        assertEquals(b("abc"), Bytes.of((byte) 'a', (byte) 'b', (byte) 'c'));
        assertEquals(b("abc").hashCode(), Bytes.of((byte) 'a', (byte) 'b', (byte) 'c').hashCode());
        assertNotEquals(b("abc"), b("abd"));
    }

    @Test
    void bytesAreImmutable() {
        byte[] raw = {1, 2};
        Bytes bytes = new Bytes(raw);
        raw[0] = 9;
        bytes.bytes()[1] = 9;
        assertEquals(Bytes.of((byte) 1, (byte) 2), bytes);
    }

    @Test
    void bytesPrintReadably() {
        assertEquals("\"foo\\x00\\xff\\x22\"", Bytes.of((byte) 'f', (byte) 'o', (byte) 'o', (byte) 0, (byte) 0xff, (byte) '"').toString());
    }

    @Test
    void prefixEndIsEtcdsGetPrefixRangeEnd() {
        assertEquals(b("b"), KeyRange.prefixEnd(b("a")));
        assertEquals(b("ac"), KeyRange.prefixEnd(b("ab")));
        assertEquals(Bytes.of((byte) 'a', (byte) 1), KeyRange.prefixEnd(Bytes.of((byte) 'a', (byte) 0)));
        assertEquals(b("b"), KeyRange.prefixEnd(Bytes.of((byte) 'a', (byte) 0xff)), "trailing 0xff is dropped");
        assertEquals(Bytes.ZERO, KeyRange.prefixEnd(Bytes.of((byte) 0xff, (byte) 0xff)), "all 0xff: no upper bound");
        assertEquals(Bytes.ZERO, KeyRange.prefixEnd(Bytes.EMPTY));
    }

    @Test
    void rangeEndEncodingFollowsEtcd() {
        KeyRange single = KeyRange.single(b("b"));
        assertTrue(single.contains(b("b")));
        assertFalse(single.contains(b("ba")));

        KeyRange fromKey = KeyRange.fromKey(b("b"));
        assertTrue(fromKey.contains(b("b")) && fromKey.contains(b("zzz")));
        assertFalse(fromKey.contains(b("a")));

        KeyRange interval = new KeyRange(b("b"), b("d"));
        assertTrue(interval.contains(b("b")) && interval.contains(b("cz")));
        assertFalse(interval.contains(b("d")));

        KeyRange prefix = KeyRange.prefix(b("ab"));
        assertTrue(prefix.contains(b("ab")) && prefix.contains(b("abz")));
        assertFalse(prefix.contains(b("ac")) || prefix.contains(b("aa")));

        KeyRange backwards = new KeyRange(b("d"), b("b"));
        assertTrue(backwards.isEmpty());
        assertFalse(backwards.contains(b("c")));
        assertTrue(KeyRange.all().contains(Bytes.ZERO) && KeyRange.all().contains(b("x")));
    }

    @Test
    void intersectionOfRanges() {
        assertTrue(new KeyRange(b("a"), b("c")).intersects(new KeyRange(b("b"), b("d"))));
        assertFalse(new KeyRange(b("a"), b("c")).intersects(new KeyRange(b("c"), b("d"))));
        assertTrue(KeyRange.fromKey(b("x")).intersects(KeyRange.single(b("y"))));
        assertFalse(KeyRange.single(b("a")).intersects(KeyRange.single(b("b"))));
    }
}
