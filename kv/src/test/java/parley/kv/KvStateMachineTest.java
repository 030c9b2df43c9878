package parley.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static parley.kv.Kv.b;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The byte interface Raft calls: apply never throws for bad input; snapshots are exact. */
class KvStateMachineTest {
    @Test
    void aMalformedCommandBecomesAFailureAndStillUsesItsIndex() {
        KvStateMachine machine = new KvStateMachine();
        KvResult result = KvCodec.decodeResult(machine.apply(1, new byte[] {1, 77}));
        KvResult.Failure failure = assertInstanceOf(KvResult.Failure.class, result);
        assertEquals(KvError.MALFORMED_COMMAND, failure.error());
        assertTrue(failure.detail().contains("unknown command tag 77"), failure.detail());
        assertEquals(1, machine.appliedIndex());
        assertInstanceOf(KvResult.Failure.class, KvCodec.decodeResult(machine.apply(2, (byte[]) null)));
    }

    @Test
    void anIndexAtOrBelowTheLastAppliedIsSkipped() {
        KvStateMachine machine = new KvStateMachine();
        machine.apply(5, KvCommand.Put.of(b("a"), b("1")));
        KvResult skipped = machine.apply(5, KvCommand.Put.of(b("a"), b("2")));
        assertEquals(KvError.STALE_INDEX, assertInstanceOf(KvResult.Failure.class, skipped).error());
        assertEquals(2, machine.revision());
    }

    @Test
    void readsAnswerOnlyReadOnlyCommands() {
        KvStateMachine machine = new KvStateMachine();
        machine.apply(1, KvCommand.Put.of(b("a"), b("1")));
        KvResult.RangeResult read = assertInstanceOf(KvResult.RangeResult.class,
                machine.read(KvCommand.Range.of(KeyRange.single(b("a")))));
        assertEquals(1, read.kvs().size());
        assertEquals(KvError.NOT_A_READ, assertInstanceOf(KvResult.Failure.class,
                machine.read(KvCommand.Put.of(b("a"), b("2")))).error());
        KvCommand.Txn writesInABranch = new KvCommand.Txn(List.of(), List.of(), List.of(KvCommand.Put.of(b("a"), b("2"))));
        assertEquals(KvError.NOT_A_READ, assertInstanceOf(KvResult.Failure.class, machine.read(writesInABranch)).error());
        assertEquals(1, machine.appliedIndex());
    }

    @Test
    void snapshotRestoreReproducesStateExactly() {
        Kv kv = new Kv();
        long lease = kv.grant(0, 10);
        kv.put("a", "1", lease);
        kv.put("b", "1");
        kv.put("a", "2", lease);
        kv.delete("b");
        kv.expect(KvResult.CompactResult.class, new KvCommand.Compact(3));
        kv.put("c", "3");
        byte[] snapshot = kv.machine.snapshot();
        KvStateMachine copy = new KvStateMachine();
        copy.restore(snapshot);
        assertArrayEquals(snapshot, copy.snapshot());
        assertEquals(kv.machine.hash(), copy.hash());
        assertEquals(kv.machine.appliedIndex(), copy.appliedIndex());
        assertEquals(3, copy.compactRevision());
        assertEquals(List.of(b("a")), copy.leases().get(lease).orElseThrow().keys());
        KvResult revoked = copy.apply(copy.appliedIndex() + 1, new KvCommand.LeaseRevoke(lease));
        assertEquals(kv.apply(new KvCommand.LeaseRevoke(lease)), revoked);
        assertEquals(kv.machine.hash(), copy.hash());
    }

    @Test
    void theHashSeesEveryChange() {
        Kv one = new Kv();
        Kv other = new Kv();
        one.put("a", "1");
        other.put("a", "2");
        assertNotEquals(one.machine.hash(), other.machine.hash());
        Kv withLease = new Kv();
        withLease.put("a", "1");
        withLease.grant(0, 5);
        assertNotEquals(one.machine.hash(), withLease.machine.hash());
    }

    @Test
    void aCorruptSnapshotIsRefusedAndChangesNothing() {
        Kv kv = new Kv();
        kv.put("a", "1");
        byte[] snapshot = kv.machine.snapshot();
        KvStateMachine target = new KvStateMachine();
        target.apply(1, KvCommand.Put.of(b("z"), b("z")));
        long before = target.hash();
        for (int i = 0; i < snapshot.length; i++) {
            byte[] corrupt = snapshot.clone();
            corrupt[i] ^= 0x10;
            assertThrows(IllegalArgumentException.class, () -> target.restore(corrupt));
        }
        assertThrows(IllegalArgumentException.class, () -> target.restore(new byte[3]));
        assertEquals(before, target.hash());
    }
}
