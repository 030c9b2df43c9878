package parley.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class DiskTest {

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> strings(List<byte[]> records) {
        List<String> strings = new ArrayList<>();
        for (byte[] record : records) {
            strings.add(new String(record, StandardCharsets.UTF_8));
        }
        return strings;
    }

    /** Writes {@code synced}, syncs, waits for it, then writes {@code unsynced} without syncing. */
    private static Simulation<String> withWrites(long seed, List<String> synced, List<String> unsynced, Trace trace) {
        Simulation<String> world = Probe.world(Probe.quiet(seed).withTrace(trace), 1);
        SimDisk disk = world.disk(1);
        for (String record : synced) {
            disk.append(bytes(record));
        }
        disk.sync(1);
        world.runFor(1_000_000);
        assertTrue(Probe.of(world, 1).whats().contains("sync 1"));
        for (String record : unsynced) {
            disk.append(bytes(record));
        }
        return world;
    }

    private static List<String> crashAndRecover(Simulation<String> world, CrashMode mode) {
        assertTrue(world.crash(1, mode));
        assertEquals(NodeState.DOWN, world.state(1));
        assertTrue(world.restart(1));
        return strings(Probe.of(world, 1).recovered);
    }

    @Test
    void crashKeepsSyncedWritesAndLosesUnsyncedOnes() {
        Simulation<String> world = withWrites(1, List.of("a", "b"), List.of("c"), Trace.off());
        assertEquals(List.of("a", "b", "c"), strings(world.disk(1).recover()), "reads see unsynced writes");
        assertEquals(List.of("a", "b"), crashAndRecover(world, CrashMode.LOSE_UNSYNCED));
        assertEquals(1, world.disk(1).opsLostOnCrash());
        assertEquals(2, world.startCount(1));
    }

    @Test
    void crashMayKeepARandomPrefixOfUnsyncedWrites() {
        List<String> all = List.of("a", "b", "c", "d", "e");
        Set<Integer> keptLengths = new HashSet<>();
        for (long seed = 0; seed < 40; seed++) {
            Simulation<String> world = withWrites(seed, all.subList(0, 2), all.subList(2, 5), Trace.off());
            List<String> recovered = crashAndRecover(world, CrashMode.KEEP_RANDOM_PREFIX);
            assertTrue(recovered.size() >= 2, "synced writes survive");
            assertEquals(all.subList(0, recovered.size()), recovered, "a prefix, in order");
            keptLengths.add(recovered.size());
        }
        assertEquals(Set.of(2, 3, 4, 5), keptLengths);
    }

    @Test
    void tornTailIsDroppedSilentlyAndTheJournalGoesOn() {
        List<String> all = List.of("alpha", "bravo", "charlie", "delta");
        Set<Integer> keptLengths = new HashSet<>();
        for (long seed = 0; seed < 40; seed++) {
            Simulation<String> world = withWrites(seed, all.subList(0, 2), all.subList(2, 4), Trace.off());
            List<String> recovered = crashAndRecover(world, CrashMode.TORN_TAIL);
            assertEquals(all.subList(0, recovered.size()), recovered);
            assertTrue(recovered.size() == 2 || recovered.size() == 3, "the last kept write was torn: " + recovered);
            assertEquals(1, world.disk(1).tornTailsWritten());
            assertEquals(1, world.disk(1).tornTailsDropped());
            keptLengths.add(recovered.size());

            SimDisk disk = world.disk(1);
            disk.append(bytes("echo"));
            disk.sync(2);
            world.runFor(1_000_000);
            List<String> again = crashAndRecover(world, CrashMode.LOSE_UNSYNCED);
            List<String> expected = new ArrayList<>(recovered);
            expected.add("echo");
            assertEquals(expected, again);
        }
        assertEquals(Set.of(2, 3), keptLengths);
    }

    @Test
    void tornCrashWithoutUnsyncedAppendsIsAPlainCrash() {
        Simulation<String> world = withWrites(1, List.of("a"), List.of(), Trace.off());
        assertEquals(List.of("a"), crashAndRecover(world, CrashMode.TORN_TAIL));
        assertEquals(0, world.disk(1).tornTailsWritten());
    }

    @Test
    void corruptRecordInTheMiddleIsReportedAndTheNodeRefusesToStart() {
        Trace.Recording trace = Trace.recording();
        Simulation<String> world = withWrites(1, List.of("a", "b", "c"), List.of(), trace);
        world.disk(1).corruptRecord(1, 3);
        DiskCorruptionException corruption = assertThrows(DiskCorruptionException.class, () -> world.disk(1).recover());
        assertEquals(1, corruption.position());
        assertEquals("checksum mismatch", corruption.reason());

        world.crash(1, CrashMode.LOSE_UNSYNCED);
        assertTrue(world.restart(1));
        assertEquals(NodeState.FAILED, world.state(1));
        assertEquals(null, world.process(1));
        assertEquals(1, world.stats().failedStarts());
        assertTrue(trace.text().contains("n1 FAILED to start: corrupt record at position 1: checksum mismatch"),
                trace.text());
        world.healAll();
        assertEquals(NodeState.FAILED, world.state(1), "a heal does not restart a node with a corrupt disk");
        assertFalse(world.restart(1));
    }

    @Test
    void corruptLastRecordIsNotMistakenForATornTail() {
        Simulation<String> world = withWrites(1, List.of("a", "b"), List.of(), Trace.off());
        world.disk(1).corruptRecord(1, 0);
        DiskCorruptionException corruption = assertThrows(DiskCorruptionException.class, () -> world.disk(1).recover());
        assertEquals(1, corruption.position());
    }

    @Test
    void replaceIsAtomicAndDurableOnlyAfterASync() {
        Simulation<String> world = withWrites(1, List.of("a", "b"), List.of(), Trace.off());
        world.disk(1).replace(List.of(bytes("z")));
        world.disk(1).append(bytes("y"));
        assertEquals(List.of("z", "y"), strings(world.disk(1).recover()));
        assertEquals(List.of("a", "b"), crashAndRecover(world, CrashMode.LOSE_UNSYNCED));

        for (long seed = 0; seed < 20; seed++) {
            Simulation<String> other = withWrites(seed, List.of("a", "b"), List.of(), Trace.off());
            other.disk(1).replace(List.of(bytes("z")));
            List<String> recovered = crashAndRecover(other, CrashMode.KEEP_RANDOM_PREFIX);
            assertTrue(recovered.equals(List.of("a", "b")) || recovered.equals(List.of("z")), "all or nothing");
        }

        world.disk(1).replace(List.of(bytes("z")));
        world.disk(1).sync(7);
        world.runFor(1_000_000);
        assertEquals(List.of("z"), crashAndRecover(world, CrashMode.LOSE_UNSYNCED));
    }

    @Test
    void syncThatCompletesAfterACrashIsNotReportedToTheNextIncarnation() {
        Simulation<String> world = Probe.world(Probe.quiet(1), 1);
        world.disk(1).append(bytes("a"));
        world.disk(1).sync(5);
        world.crash(1, CrashMode.LOSE_UNSYNCED);
        world.restart(1);
        world.runFor(10_000_000);
        assertEquals(List.of("start"), Probe.of(world, 1).whats());
        assertEquals(List.of(), strings(Probe.of(world, 1).recovered));
        assertEquals(0, world.disk(1).durableRecordCount());
    }

    @Test
    void syncsCompleteInRequestOrderAndSlowFsyncIsSlow() {
        SimConfig config = Probe.quiet(1).withDisk(DiskConfig.ssd());
        Simulation<String> world = Probe.world(config, 1);
        for (int i = 1; i <= 200; i++) {
            world.disk(1).append(bytes("r" + i));
            world.disk(1).sync(i);
        }
        world.runFor(1_000_000_000L);
        List<String> expected = new ArrayList<>();
        expected.add("start");
        for (int i = 1; i <= 200; i++) {
            expected.add("sync " + i);
        }
        assertEquals(expected, Probe.of(world, 1).whats());
        assertEquals(200, world.disk(1).syncsCompleted());

        world.setFsyncExtraLatencyNs(1, 50_000_000);
        long requestedAtNs = world.nowNs();
        world.disk(1).sync(999);
        world.runFor(1_000_000_000L);
        Probe.Happening last = Probe.of(world, 1).log.get(Probe.of(world, 1).log.size() - 1);
        assertEquals("sync 999", last.what());
        assertTrue(last.globalNs() - requestedAtNs >= 50_000_000);
    }

    @Test
    void recordsAreCopiedInAndOut() {
        Simulation<String> world = Probe.world(Probe.quiet(1), 1);
        byte[] record = bytes("abc");
        world.disk(1).append(record);
        record[0] = 'X';
        byte[] read = world.disk(1).recover().get(0);
        assertArrayEquals(bytes("abc"), read);
        read[0] = 'Y';
        assertArrayEquals(bytes("abc"), world.disk(1).recover().get(0));
        assertEquals(3, world.disk(1).bytesAppended());
    }
}
