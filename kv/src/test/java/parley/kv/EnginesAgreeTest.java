package parley.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import parley.engine.rocks.RocksEngines;

/**
 * The store on RocksDB answers exactly as on the in-memory engine, which the reference-model properties
 * check: every result, the state hash, the snapshot bytes, and what a snapshot restores.
 */
class EnginesAgreeTest {

    @Provide
    Arbitrary<List<KvCommand>> histories() {
        return KvArbitraries.commands().list().ofMinSize(5).ofMaxSize(80).withSizeDistribution(RandomDistribution.uniform());
    }

    @Property(tries = 120, edgeCases = EdgeCasesMode.MIXIN)
    void rocksAndMemoryGiveTheSameAnswers(@ForAll("histories") List<KvCommand> commands) throws IOException {
        Path dir = Files.createTempDirectory("parley-engines-agree");
        try (RocksEngines engines = new RocksEngines(new RocksEngines.Settings(8L << 20, 8L << 20, 1L << 20))) {
            compare(commands, engines, dir);
        } finally {
            RocksEngines.delete(dir);
        }
    }

    private static void compare(List<KvCommand> commands, RocksEngines engines, Path dir) {
        KvStateMachine memory = new KvStateMachine(KvConfig.defaults());
        KvStateMachine rocks = new KvStateMachine(KvConfig.defaults(), engines.openEmpty(dir.resolve("rocks")));
        try {
            long index = 0;
            for (KvCommand command : commands) {
                byte[] encoded = KvCodec.encodeCommand(command);
                index++;
                assertArrayEquals(memory.apply(index, encoded), rocks.apply(index, encoded), () -> "answer to " + command);
                KvCommand all = KvCommand.Range.of(KeyRange.all());
                assertEquals(memory.read(all), rocks.read(all), "every key after " + command);
            }
            assertEquals(memory.hash(), rocks.hash());
            assertEquals(memory.store().hashKv(memory.revision()), rocks.store().hashKv(rocks.revision()));
            byte[] snapshot = memory.snapshot();
            assertArrayEquals(snapshot, rocks.snapshot());
            KvStateMachine restored = new KvStateMachine(KvConfig.defaults(), engines.openEmpty(dir.resolve("restored")));
            try {
                restored.restore(snapshot);
                assertEquals(memory.hash(), restored.hash());
                assertEquals(memory.store().storedBytes(), restored.store().storedBytes());
                assertEquals(memory.store().liveBytes(), restored.store().liveBytes());
                assertEquals(memory.store().liveKeyCount(), restored.store().liveKeyCount());
                for (long revision = Math.max(1, memory.compactRevision()); revision <= memory.revision(); revision++) {
                    KvCommand past = KvCommand.Range.of(KeyRange.all()).atRevision(revision);
                    assertEquals(memory.read(past), restored.read(past), "at revision " + revision);
                }
            } finally {
                restored.store().engine().close();
            }
        } finally {
            rocks.store().engine().close();
        }
    }
}
