package parley.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.junit.jupiter.api.Test;
import parley.kv.Bytes;
import parley.kv.KeyRange;
import parley.kv.KvCodec;
import parley.kv.KvCommand;
import parley.kv.KvError;
import parley.kv.KvResult;
import parley.kv.KvStateMachine;

/**
 * The route fence in the group's state machine: once fenced at registry revision F, a command routed
 * by an older registry is refused when it applies (and changes nothing), one routed at F or later
 * applies, unrouted ones always apply; the fence survives a snapshot and restore.
 */
class RouteFenceTest {
    private static byte[] put(String key) {
        return KvCodec.encodeCommand(KvCommand.Put.of(Bytes.utf8(key), Bytes.utf8("v")));
    }

    private static KvResult result(byte[] bytes) {
        return KvCodec.decodeResult(bytes);
    }

    @Test
    void commandsRoutedByAnOlderRegistryAreRefusedOnceFenced() {
        KvRaftStateMachine group = new KvRaftStateMachine(new KvStateMachine());
        assertInstanceOf(KvResult.PutResult.class, result(group.apply(1, KvRaftStateMachine.routed(5, put("a")))), "no fence yet");
        group.apply(2, KvRaftStateMachine.fence(7));
        KvResult.Failure refused = assertInstanceOf(KvResult.Failure.class, result(group.apply(3, KvRaftStateMachine.routed(6, put("b")))));
        assertEquals(KvError.REGISTRY_CHANGED, refused.error());
        assertInstanceOf(KvResult.PutResult.class, result(group.apply(4, KvRaftStateMachine.routed(7, put("c")))));
        assertInstanceOf(KvResult.PutResult.class, result(group.apply(5, put("d"))), "the replica's own commands are not routed");
        group.apply(6, KvRaftStateMachine.fence(3));
        assertEquals(7, group.fenceRevision(), "a fence never goes down");
        KvResult.RangeResult all = (KvResult.RangeResult) group.kv().read(KvCommand.Range.of(KeyRange.all()));
        assertEquals(3, all.count(), "the refused put changed nothing");
        assertEquals(KvError.REGISTRY_CHANGED, group.refusalOrNull(6).error(), "reads routed by an older registry are refused too");

        KvRaftStateMachine restored = new KvRaftStateMachine(new KvStateMachine());
        restored.restore(group.snapshot());
        assertEquals(7, restored.fenceRevision());
        assertEquals(group.kv().hash(), restored.kv().hash());
        KvRaftStateMachine unfenced = new KvRaftStateMachine(new KvStateMachine());
        unfenced.apply(1, put("x"));
        restored.restore(unfenced.snapshot());
        assertEquals(0, restored.fenceRevision(), "a snapshot of a group never fenced keeps the store's own format");
    }
}
