package parley.kv;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;

/** A state machine driven by typed commands at increasing log indexes, with short helpers for tests. */
final class Kv {
    final KvStateMachine machine;
    private long index;

    Kv() {
        this(KvConfig.defaults());
    }

    Kv(KvConfig config) {
        machine = new KvStateMachine(config);
    }

    static Bytes b(String text) {
        return Bytes.utf8(text);
    }

    /** Applies through the byte interface, as Raft does, and decodes the answer. */
    KvResult apply(KvCommand command) {
        return KvCodec.decodeResult(machine.apply(++index, KvCodec.encodeCommand(command)));
    }

    <R extends KvResult> R expect(Class<R> type, KvCommand command) {
        return assertInstanceOf(type, apply(command), () -> "answer to " + command);
    }

    KvResult.PutResult put(String key, String value) {
        return expect(KvResult.PutResult.class, KvCommand.Put.of(b(key), b(value)));
    }

    KvResult.PutResult put(String key, String value, long leaseId) {
        return expect(KvResult.PutResult.class, KvCommand.Put.withLease(b(key), b(value), leaseId));
    }

    KvResult.DeleteRangeResult delete(String key) {
        return expect(KvResult.DeleteRangeResult.class, KvCommand.DeleteRange.of(KeyRange.single(b(key))));
    }

    KvResult.RangeResult range(KvCommand.Range range) {
        return expect(KvResult.RangeResult.class, range);
    }

    /** The live version of {@code key} now, or null. */
    KeyValue get(String key) {
        List<KeyValue> kvs = range(KvCommand.Range.of(KeyRange.single(b(key)))).kvs();
        return kvs.isEmpty() ? null : kvs.get(0);
    }

    /** The live version of {@code key} at {@code revision}, or null. */
    KeyValue get(String key, long revision) {
        List<KeyValue> kvs = range(KvCommand.Range.of(KeyRange.single(b(key))).atRevision(revision)).kvs();
        return kvs.isEmpty() ? null : kvs.get(0);
    }

    KvResult.Failure failure(KvCommand command) {
        return expect(KvResult.Failure.class, command);
    }

    long grant(long id, long ttlSeconds) {
        return expect(KvResult.LeaseGrantResult.class, new KvCommand.LeaseGrant(id, ttlSeconds)).id();
    }

    long revision() {
        return machine.revision();
    }

    static List<String> keys(List<KeyValue> kvs) {
        return kvs.stream().map(kv -> kv.key().toUtf8()).toList();
    }
}
