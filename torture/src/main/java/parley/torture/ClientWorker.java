package parley.torture;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.ResponseOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import parley.check.Action;
import parley.check.EventType;
import parley.check.Value;

/**
 * One client: issues one operation at a time through the etcd API to a node it picks at random, and
 * records each in the history. How each kind appears there:
 * <ul>
 *   <li>a read: {@code read}; an error is a {@code fail} (a read changes nothing);
 *   <li>a put: {@code write}; "not leader"/"no leader" (refused before proposing) is a {@code fail}, any
 *       other error or a timeout is {@code info} (it may yet take effect);
 *   <li>a compare-and-set (refused before proposing: taken out of the history, since a {@code fail}
 *       cas would claim the compare was false), a txn {@code if value(k) == e then put(k, n)} or, when the client knows the
 *       mod revision of e, {@code if mod(k) == rev(e)}: {@code cas [e, n]}. Values are unique per key, so
 *       "mod revision is the one e was written at" holds exactly when "the value is e". An absent e
 *       compares the version with 0. A txn that did not succeed is a {@code fail} cas, which the model
 *       reads as evidence that the value was not e;
 *   <li>a txn putting one value into two keys at once: a {@code write} on each key, by this client and
 *       its shadow process, over the same window. The checker sees each write; that both landed in one
 *       revision is checked on the watch streams ({@link WatchCheck});
 *   <li>a txn reading two keys at once: a {@code read} of each key over the same window; that both
 *       values belong to the one revision the answer names is checked against the watch streams.
 * </ul>
 * After an operation of unknown outcome the client takes a new process id, as the history format
 * requires (a process has at most one operation outstanding, and an unknown one never ends).
 */
final class ClientWorker implements Runnable {
    /** Process ids of the second key of a two-key txn: this offset plus the client's own id. */
    static final int SHADOW_PROCESS_OFFSET = 1_000_000;

    private final int client;
    private final int clients;
    private final List<ManagedChannel> channels;
    private final Recorder recorder;
    private final Workload workload;
    private final List<String> keys;
    private final SplittableRandom random;
    private final long opTimeoutMs;
    private final BooleanSupplier stop;
    private int process;
    private long counter;
    /** What this client last learned of each key: value and the revision it was written at. */
    private final Map<String, Known> known = new HashMap<>();

    private record Known(Long value, long modRevision) {}

    ClientWorker(int client, int clients, List<ManagedChannel> channels, Recorder recorder, Workload workload, long seed,
                 long opTimeoutMs, BooleanSupplier stop) {
        this.client = client;
        this.clients = clients;
        this.channels = channels;
        this.recorder = recorder;
        this.workload = workload;
        this.keys = workload.keyNames();
        this.random = new SplittableRandom(seed);
        this.opTimeoutMs = opTimeoutMs;
        this.stop = stop;
        this.process = client;
    }

    @Override
    public void run() {
        while (!stop.getAsBoolean()) {
            int node = random.nextInt(channels.size());
            KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channels.get(node)).withDeadlineAfter(opTimeoutMs, TimeUnit.MILLISECONDS);
            int roll = random.nextInt(100);
            if ((roll -= workload.readPercent()) < 0) read(kv, node + 1, pickKey());
            else if ((roll -= workload.writePercent()) < 0) write(kv, node + 1, pickKey());
            else if ((roll -= workload.casPercent()) < 0) cas(kv, node + 1, pickKey());
            else if (random.nextBoolean()) txnWrite(kv, node + 1);
            else txnRead(kv, node + 1);
        }
    }

    /** A read through the final, healed cluster; its answer goes into the history like any other. */
    void finalRead(KVGrpc.KVBlockingStub kv, int node, String key) {
        read(kv, node, key);
    }

    private String pickKey() {
        return keys.get(random.nextInt(keys.size()));
    }

    private long nextValue() {
        return (client + 1) * 1_000_000_000L + ++counter;
    }

    private void read(KVGrpc.KVBlockingStub kv, int node, String key) {
        Recorder.Part invoke = new Recorder.Part(process, Action.READ, key, Value.NULL);
        long t0 = recorder.invoke(List.of(invoke));
        try {
            RangeResponse r = kv.range(RangeRequest.newBuilder().setKey(bytes(key)).build());
            Long value = r.getKvsCount() == 0 ? null : parse(r.getKvs(0).getValue());
            remember(key, r.getKvsCount() == 0 ? null : r.getKvs(0));
            long t1 = recorder.complete(List.of(new Recorder.Part(process, Action.READ, key, toValue(value))), EventType.OK);
            Map<String, Long> values = new HashMap<>();
            values.put(key, value);
            recorder.ackedRead(new Recorder.AckedRead(values, r.getHeader().getRevision(), "read", t1));
            recorder.op(new Recorder.Op(client, "read", List.of(key), t0, t1, EventType.OK, node, key + " -> " + value));
        } catch (StatusRuntimeException e) {
            long t1 = recorder.complete(List.of(invoke), EventType.FAIL);
            recorder.op(new Recorder.Op(client, "read", List.of(key), t0, t1, EventType.FAIL, node, describe(e)));
        }
    }

    private void write(KVGrpc.KVBlockingStub kv, int node, String key) {
        long value = nextValue();
        Recorder.Part part = new Recorder.Part(process, Action.WRITE, key, Value.of(value));
        long t0 = recorder.invoke(List.of(part));
        try {
            var r = kv.put(PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(Long.toString(value))).build());
            long t1 = recorder.complete(List.of(part), EventType.OK);
            long revision = r.getHeader().getRevision();
            known.put(key, new Known(value, revision));
            recorder.ackedWrite(new Recorder.AckedWrite(key, value, revision, "write"));
            recorder.op(new Recorder.Op(client, "write", List.of(key), t0, t1, EventType.OK, node, key + " := " + value + " @" + revision));
        } catch (StatusRuntimeException e) {
            failed(List.of(part), "write", List.of(key), t0, node, e);
        }
    }

    private void cas(KVGrpc.KVBlockingStub kv, int node, String key) {
        Known expected = known.getOrDefault(key, new Known(null, 0));
        long value = nextValue();
        boolean byModRevision = expected.value() != null && expected.modRevision() > 0 && random.nextBoolean();
        Compare compare;
        if (expected.value() == null) {
            compare = Compare.newBuilder().setKey(bytes(key)).setTarget(Compare.CompareTarget.VERSION)
                    .setResult(Compare.CompareResult.EQUAL).setVersion(0).build();
        } else if (byModRevision) {
            compare = Compare.newBuilder().setKey(bytes(key)).setTarget(Compare.CompareTarget.MOD)
                    .setResult(Compare.CompareResult.EQUAL).setModRevision(expected.modRevision()).build();
        } else {
            compare = Compare.newBuilder().setKey(bytes(key)).setTarget(Compare.CompareTarget.VALUE)
                    .setResult(Compare.CompareResult.EQUAL).setValue(bytes(Long.toString(expected.value()))).build();
        }
        String kind = byModRevision ? "cas-mod" : "cas";
        Recorder.Part part = new Recorder.Part(process, Action.CAS, key, Value.pair(toValue(expected.value()), Value.of(value)));
        long t0 = recorder.invoke(List.of(part));
        try {
            TxnResponse r = kv.txn(TxnRequest.newBuilder().addCompare(compare)
                    .addSuccess(put(key, value)).build());
            long revision = r.getHeader().getRevision();
            long t1 = recorder.complete(List.of(part), r.getSucceeded() ? EventType.OK : EventType.FAIL);
            if (r.getSucceeded()) {
                known.put(key, new Known(value, revision));
                recorder.ackedWrite(new Recorder.AckedWrite(key, value, revision, kind));
            } else {
                known.remove(key); // what we knew is stale; the next cas of this key expects absent, or we read first
            }
            recorder.op(new Recorder.Op(client, kind, List.of(key), t0, t1, r.getSucceeded() ? EventType.OK : EventType.FAIL, node,
                    key + " " + expected.value() + (byModRevision ? " (mod revision " + expected.modRevision() + ")" : "") + " -> " + value
                            + (r.getSucceeded() ? " @" + revision : " (compare false at revision " + revision + ")")));
        } catch (StatusRuntimeException e) {
            failed(List.of(part), kind, List.of(key), t0, node, e);
        }
    }

    private void txnWrite(KVGrpc.KVBlockingStub kv, int node) {
        List<String> pair = pickTwoKeys();
        long value = nextValue();
        List<Recorder.Part> parts = List.of(new Recorder.Part(process, Action.WRITE, pair.get(0), Value.of(value)),
                new Recorder.Part(process + SHADOW_PROCESS_OFFSET, Action.WRITE, pair.get(1), Value.of(value)));
        long t0 = recorder.invoke(parts);
        try {
            TxnResponse r = kv.txn(TxnRequest.newBuilder().addSuccess(put(pair.get(0), value)).addSuccess(put(pair.get(1), value)).build());
            long t1 = recorder.complete(parts, EventType.OK);
            long revision = r.getHeader().getRevision();
            for (String key : pair) {
                known.put(key, new Known(value, revision));
                recorder.ackedWrite(new Recorder.AckedWrite(key, value, revision, "txn-write"));
            }
            recorder.op(new Recorder.Op(client, "txn-write", pair, t0, t1, EventType.OK, node, pair + " := " + value + " @" + revision));
        } catch (StatusRuntimeException e) {
            failed(parts, "txn-write", pair, t0, node, e);
        }
    }

    private void txnRead(KVGrpc.KVBlockingStub kv, int node) {
        List<String> pair = pickTwoKeys();
        List<Recorder.Part> invokes = List.of(new Recorder.Part(process, Action.READ, pair.get(0), Value.NULL),
                new Recorder.Part(process + SHADOW_PROCESS_OFFSET, Action.READ, pair.get(1), Value.NULL));
        long t0 = recorder.invoke(invokes);
        try {
            TxnResponse r = kv.txn(TxnRequest.newBuilder()
                    .addSuccess(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(bytes(pair.get(0)))))
                    .addSuccess(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(bytes(pair.get(1)))))
                    .build());
            Map<String, Long> values = new LinkedHashMap<>();
            List<Recorder.Part> completions = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                ResponseOp op = r.getResponses(i);
                RangeResponse range = op.getResponseRange();
                Long value = range.getKvsCount() == 0 ? null : parse(range.getKvs(0).getValue());
                values.put(pair.get(i), value);
                remember(pair.get(i), range.getKvsCount() == 0 ? null : range.getKvs(0));
                completions.add(new Recorder.Part(invokes.get(i).process(), Action.READ, pair.get(i), toValue(value)));
            }
            long t1 = recorder.complete(completions, EventType.OK);
            recorder.ackedRead(new Recorder.AckedRead(values, r.getHeader().getRevision(), "txn-read", t1));
            recorder.op(new Recorder.Op(client, "txn-read", pair, t0, t1, EventType.OK, node, values + " @" + r.getHeader().getRevision()));
        } catch (StatusRuntimeException e) {
            long t1 = recorder.complete(invokes, EventType.FAIL);
            recorder.op(new Recorder.Op(client, "txn-read", pair, t0, t1, EventType.FAIL, node, describe(e)));
        }
    }

    /** A write-like operation ended in an error: refused before proposing (fail) or unknown (info). */
    private void failed(List<Recorder.Part> parts, String kind, List<String> keys, long t0, int node, StatusRuntimeException e) {
        EventType type = refusedBeforeProposing(e) ? EventType.FAIL : EventType.INFO;
        long t1;
        if (type == EventType.FAIL && parts.get(0).action() == Action.CAS) {
            // A fail cas means "the compare was false"; this one never ran, so it leaves the history.
            recorder.retract(parts);
            t1 = recorder.nowNs();
        } else {
            t1 = recorder.complete(parts, type);
        }
        recorder.op(new Recorder.Op(client, kind, keys, t0, t1, type, node, describe(e)));
        for (String key : keys) known.remove(key);
        if (type == EventType.INFO) process += clients; // the unknown operation stays open forever
    }

    /**
     * True only for the answers that promise nothing was proposed: the node refused because it is not
     * the leader or knows none (the server's NotLeaderException, raised before a proposal exists).
     */
    static boolean refusedBeforeProposing(StatusRuntimeException e) {
        String description = e.getStatus().getDescription();
        return description != null && (description.startsWith("etcdserver: not leader") || description.startsWith("etcdserver: no leader"));
    }

    private List<String> pickTwoKeys() {
        int a = random.nextInt(keys.size());
        int b = random.nextInt(keys.size() - 1);
        if (b >= a) b++;
        return List.of(keys.get(a), keys.get(b));
    }

    private void remember(String key, KeyValue kv) {
        if (kv == null) known.put(key, new Known(null, 0));
        else known.put(key, new Known(parse(kv.getValue()), kv.getModRevision()));
    }

    private static RequestOp put(String key, long value) {
        return RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(Long.toString(value)))).build();
    }

    static ByteString bytes(String text) {
        return ByteString.copyFromUtf8(text);
    }

    static Long parse(ByteString value) {
        return Long.parseLong(value.toStringUtf8());
    }

    private static Value toValue(Long value) {
        return value == null ? Value.NULL : Value.of(value);
    }

    static String describe(StatusRuntimeException e) {
        String description = e.getStatus().getDescription();
        return e.getStatus().getCode() + (description == null ? "" : ": " + description);
    }
}
