package parley.engine.rocks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import parley.engine.KvEngine;
import parley.engine.KvEngineContract;
import parley.engine.WriteBatch;

/** The engine contract on RocksDB, and what only an on-disk engine has: its directory and the shared budget. */
class RocksEngineTest extends KvEngineContract {
    @TempDir
    Path dir;
    private final RocksEngines engines = new RocksEngines(new RocksEngines.Settings(8L << 20, 8L << 20, 1L << 20));
    private int created;

    @Override
    protected KvEngine create() {
        return engines.openEmpty(dir.resolve("engine-" + created++));
    }

    @AfterEach
    void closeAll() {
        engines.close();
    }

    @Test
    void openingEmptyDiscardsWhatTheDirectoryHeld() {
        Path where = dir.resolve("reused");
        RocksEngine first = engines.openEmpty(where);
        first.write(new WriteBatch().put(new byte[] {1}, new byte[] {2}));
        first.close();
        RocksEngine second = engines.openEmpty(where);
        assertNull(second.get(new byte[] {1}), "state is rebuilt from the log at every start, never read back");
        second.close();
        RocksEngines.delete(where);
        assertFalse(Files.exists(where));
    }

    @Test
    void closingTheNodesEnginesClosesEachEngine() {
        KvEngine engine = create();
        engine.write(new WriteBatch().put(new byte[] {1}, new byte[1000]));
        assertTrue(engines.memtableUsageBytes() > 0, "memtables are counted against the node's budget");
        engines.close();
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> engine.get(new byte[] {1}));
    }

    @Test
    void aStateDirectoryThatCannotBeCreatedIsAClearError() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
        java.io.UncheckedIOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.UncheckedIOException.class,
                () -> engines.openEmpty(file.resolve("state")));
        assertTrue(e.getMessage().startsWith("cannot prepare the state directory " + file.resolve("state")), e.getMessage());
    }

    @Test
    void valuesBiggerThanABlockRoundTrip() {
        KvEngine engine = create();
        byte[] big = new byte[3 << 20];
        for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 31);
        engine.write(new WriteBatch().put(new byte[] {7}, big));
        engine.compact();
        assertArrayEquals(big, engine.get(new byte[] {7}));
    }
}
