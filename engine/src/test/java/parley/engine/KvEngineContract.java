package parley.engine;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link KvEngine} promises, run against each engine by a subclass that says how to open a
 * fresh one. The last test drives random batches against a sorted-map model and compares every read.
 */
public abstract class KvEngineContract {
    private final List<KvEngine> opened = new ArrayList<>();

    /** A fresh, empty engine. */
    protected abstract KvEngine create();

    protected final KvEngine engine() {
        KvEngine engine = create();
        opened.add(engine);
        return engine;
    }

    @AfterEach
    void closeEngines() {
        opened.forEach(KvEngine::close);
    }

    static byte[] b(String text) {
        return text.getBytes(UTF_8);
    }

    static List<String> keys(KvEngine engine, byte[] from, byte[] to) {
        List<String> keys = new ArrayList<>();
        try (KvEngine.Cursor cursor = engine.scan(from, to)) {
            for (KvEngine.Entry e = cursor.next(); e != null; e = cursor.next()) keys.add(new String(e.key(), UTF_8));
        }
        return keys;
    }

    @Test
    void putGetOverwriteDelete() {
        KvEngine engine = engine();
        assertNull(engine.get(b("a")));
        engine.write(new WriteBatch().put(b("a"), b("1")));
        assertArrayEquals(b("1"), engine.get(b("a")));
        engine.write(new WriteBatch().put(b("a"), b("2")));
        assertArrayEquals(b("2"), engine.get(b("a")));
        engine.write(new WriteBatch().delete(b("a")).delete(b("never-there")));
        assertNull(engine.get(b("a")));
        engine.write(new WriteBatch().put(b("empty"), new byte[0]));
        assertArrayEquals(new byte[0], engine.get(b("empty")), "an empty value is a value, not an absence");
    }

    @Test
    void keysOrderAsUnsignedBytes() {
        KvEngine engine = engine();
        engine.write(new WriteBatch().put(new byte[] {(byte) 0xff}, b("high")).put(new byte[] {0x01}, b("low"))
                .put(new byte[] {0x01, 0x00}, b("longer")).put(new byte[] {(byte) 0x80}, b("mid")));
        List<byte[]> seen = new ArrayList<>();
        try (KvEngine.Cursor cursor = engine.scan(new byte[0], null)) {
            for (KvEngine.Entry e = cursor.next(); e != null; e = cursor.next()) seen.add(e.key());
        }
        assertEquals(4, seen.size());
        assertArrayEquals(new byte[] {0x01}, seen.get(0));
        assertArrayEquals(new byte[] {0x01, 0x00}, seen.get(1));
        assertArrayEquals(new byte[] {(byte) 0x80}, seen.get(2));
        assertArrayEquals(new byte[] {(byte) 0xff}, seen.get(3));
    }

    @Test
    void scansAreHalfOpenAndLastFindsTheGreatestKeyBelowTheEnd() {
        KvEngine engine = engine();
        engine.write(new WriteBatch().put(b("a"), b("")).put(b("b"), b("")).put(b("c"), b("")).put(b("d"), b("")));
        assertEquals(List.of("b", "c"), keys(engine, b("b"), b("d")));
        assertEquals(List.of("b", "c", "d"), keys(engine, b("b"), null));
        assertEquals(List.of(), keys(engine, b("c"), b("c")), "an empty range");
        assertEquals(List.of(), keys(engine, b("d"), b("a")), "a reversed range is empty");
        assertEquals("c", new String(engine.last(b("a"), b("d")).key(), UTF_8));
        assertEquals("d", new String(engine.last(b("a"), null).key(), UTF_8));
        assertEquals("a", new String(engine.last(b("a"), b("aa")).key(), UTF_8));
        assertNull(engine.last(b("aa"), b("b")));
        assertNull(engine.last(b("e"), null));
        assertArrayEquals(b(""), engine.last(b("b"), b("c")).value());
    }

    @Test
    void rangeDeletesRemoveTheHalfOpenRange() {
        KvEngine engine = engine();
        engine.write(new WriteBatch().put(b("a"), b("")).put(b("b"), b("")).put(b("c"), b("")).put(b("d"), b("")));
        engine.write(new WriteBatch().deleteRange(b("b"), b("d")).deleteRange(b("z"), b("a")));
        assertEquals(List.of("a", "d"), keys(engine, new byte[0], null));
    }

    @Test
    void aBatchAppliesInOrder() {
        KvEngine engine = engine();
        engine.write(new WriteBatch().put(b("k"), b("1")).delete(b("k")).put(b("j"), b("1")).deleteRange(b("j"), b("k")).put(b("j"), b("2")));
        assertNull(engine.get(b("k")));
        assertArrayEquals(b("2"), engine.get(b("j")));
        engine.write(new WriteBatch());
        assertArrayEquals(b("2"), engine.get(b("j")), "an empty batch changes nothing");
    }

    @Test
    void noWriteWhileACursorIsOpen() {
        KvEngine engine = engine();
        engine.write(new WriteBatch().put(b("a"), b("1")));
        KvEngine.Cursor cursor = engine.scan(new byte[0], null);
        assertThrows(IllegalStateException.class, () -> engine.write(new WriteBatch().put(b("b"), b("2"))));
        cursor.close();
        cursor.close(); // idempotent
        engine.write(new WriteBatch().put(b("b"), b("2")));
        assertArrayEquals(b("2"), engine.get(b("b")));
    }

    @Test
    void arraysAreCopiedInAndOut() {
        KvEngine engine = engine();
        byte[] key = b("a");
        byte[] value = b("1");
        engine.write(new WriteBatch().put(key, value));
        key[0] = 'z';
        value[0] = '9';
        byte[] read = engine.get(b("a"));
        assertArrayEquals(b("1"), read);
        read[0] = '7';
        assertArrayEquals(b("1"), engine.get(b("a")));
        assertNull(engine.get(b("z")));
    }

    @Test
    void aClosedEngineRefusesEveryCall() {
        KvEngine engine = engine();
        engine.close();
        engine.close();
        assertThrows(IllegalStateException.class, () -> engine.get(b("a")));
        assertThrows(IllegalStateException.class, () -> engine.write(new WriteBatch().put(b("a"), b("1"))));
        assertThrows(IllegalStateException.class, () -> engine.scan(b("a"), null));
    }

    @Test
    void sizesFollowTheData() {
        KvEngine engine = engine();
        byte[] value = new byte[1024];
        WriteBatch batch = new WriteBatch();
        for (int i = 0; i < 2000; i++) batch.put(String.format("key-%05d", i).getBytes(UTF_8), value);
        engine.write(batch);
        long full = engine.sizeBytes();
        assertTrue(full >= 2000L * 1024 / 4, "2 MB of values take some room: " + full);
        engine.write(new WriteBatch().deleteRange(b("key-"), b("key-~")));
        engine.compact();
        long after = engine.liveSizeBytes();
        assertTrue(after < full / 2, "deleted data is given back by compaction: " + after + " of " + full);
        assertEquals(List.of(), keys(engine, new byte[0], null));
    }

    @Test
    void randomBatchesMatchASortedMapModel() {
        for (long seed = 1; seed <= 40; seed++) {
            KvEngine engine = engine();
            NavigableMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
            Random random = new Random(seed);
            for (int step = 0; step < 150; step++) {
                WriteBatch batch = new WriteBatch();
                int ops = 1 + random.nextInt(6);
                for (int i = 0; i < ops; i++) {
                    byte[] key = randomKey(random);
                    switch (random.nextInt(5)) {
                        case 0, 1, 2 -> {
                            byte[] value = new byte[random.nextInt(40)];
                            random.nextBytes(value);
                            batch.put(key, value);
                            model.put(key, value);
                        }
                        case 3 -> {
                            batch.delete(key);
                            model.remove(key);
                        }
                        default -> {
                            byte[] end = randomKey(random);
                            batch.deleteRange(key, end);
                            if (Arrays.compareUnsigned(key, end) < 0) model.subMap(key, true, end, false).clear();
                        }
                    }
                }
                engine.write(batch);
                byte[] from = randomKey(random);
                byte[] to = random.nextInt(4) == 0 ? null : randomKey(random);
                assertSameScan(seed, model, engine, from, to);
                KvEngine.Entry last = engine.last(from, to);
                Map.Entry<byte[], byte[]> expectedLast = slice(model, from, to).lastEntry();
                assertEquals(expectedLast == null, last == null, "seed " + seed + ": last exists");
                if (last != null) {
                    assertArrayEquals(expectedLast.getKey(), last.key(), "seed " + seed);
                    assertArrayEquals(expectedLast.getValue(), last.value(), "seed " + seed);
                }
                byte[] probe = randomKey(random);
                byte[] expected = model.get(probe);
                byte[] actual = engine.get(probe);
                if (expected == null) assertNull(actual, "seed " + seed);
                else assertArrayEquals(expected, actual, "seed " + seed);
            }
            assertSameScan(seed, model, engine, new byte[0], null);
        }
    }

    private static byte[] randomKey(Random random) {
        byte[] key = new byte[random.nextInt(4)];
        for (int i = 0; i < key.length; i++) key[i] = (byte) switch (random.nextInt(4)) {
            case 0 -> 0x00;
            case 1 -> 0xff;
            default -> 'a' + random.nextInt(3);
        };
        return key;
    }

    private static NavigableMap<byte[], byte[]> slice(NavigableMap<byte[], byte[]> model, byte[] from, byte[] to) {
        if (to == null) return model.tailMap(from, true);
        if (Arrays.compareUnsigned(from, to) >= 0) return new TreeMap<>(Arrays::compareUnsigned);
        return model.subMap(from, true, to, false);
    }

    private static void assertSameScan(long seed, NavigableMap<byte[], byte[]> model, KvEngine engine, byte[] from, byte[] to) {
        List<Map.Entry<byte[], byte[]>> expected = new ArrayList<>(slice(model, from, to).entrySet());
        try (KvEngine.Cursor cursor = engine.scan(from, to)) {
            for (Map.Entry<byte[], byte[]> want : expected) {
                KvEngine.Entry got = cursor.next();
                assertNotNull(got, "seed " + seed + ": scan ended early");
                assertArrayEquals(want.getKey(), got.key(), "seed " + seed);
                assertArrayEquals(want.getValue(), got.value(), "seed " + seed);
            }
            assertNull(cursor.next(), "seed " + seed + ": scan went on past the model");
        }
    }
}
