package parley.kv;

import java.util.ArrayList;
import java.util.List;

/** Encodes and decodes {@link KvResult}s for {@link KvCodec}. Tags are part of the format: never reuse one. */
final class ResultCodec {
    private static final int RANGE = 1;
    private static final int PUT = 2;
    private static final int DELETE_RANGE = 3;
    private static final int TXN = 4;
    private static final int COMPACT = 5;
    private static final int LEASE_GRANT = 6;
    private static final int LEASE_REVOKE = 7;
    private static final int LEASE_KEEP_ALIVE = 8;
    private static final int LEASE_TIME_TO_LIVE = 9;
    private static final int LEASE_LIST = 10;
    private static final int FAILURE = 11;
    /** Txn results nest like txns; the bound keeps hostile input off the stack's edge. */
    private static final int DEPTH_MAX = KvCodec.TXN_DEPTH_MAX;

    private ResultCodec() {}

    static void write(WireWriter out, KvResult result) {
        switch (result) {
            case KvResult.OpResult op -> writeOp(out, op);
            case KvResult.CompactResult compact -> header(out, COMPACT, compact.revision());
            case KvResult.LeaseGrantResult grant -> {
                header(out, LEASE_GRANT, grant.revision());
                out.writeLong(grant.id());
                out.writeLong(grant.ttlSeconds());
            }
            case KvResult.LeaseRevokeResult revoke -> header(out, LEASE_REVOKE, revoke.revision());
            case KvResult.LeaseKeepAliveResult keepAlive -> {
                header(out, LEASE_KEEP_ALIVE, keepAlive.revision());
                out.writeLong(keepAlive.id());
                out.writeLong(keepAlive.ttlSeconds());
            }
            case KvResult.LeaseTimeToLiveResult ttl -> {
                header(out, LEASE_TIME_TO_LIVE, ttl.revision());
                out.writeLong(ttl.id());
                out.writeLong(ttl.grantedTtlSeconds());
                out.writeLong(ttl.keys().size());
                ttl.keys().forEach(out::writeBytes);
            }
            case KvResult.LeaseListResult list -> {
                header(out, LEASE_LIST, list.revision());
                out.writeLong(list.ids().size());
                list.ids().forEach(out::writeLong);
            }
            case KvResult.Failure failure -> {
                header(out, FAILURE, failure.revision());
                out.writeByte(failure.error().ordinal());
                out.writeString(failure.detail());
            }
        }
    }

    private static void header(WireWriter out, int tag, long revision) {
        out.writeByte(tag);
        out.writeLong(revision);
    }

    private static void writeOp(WireWriter out, KvResult.OpResult result) {
        switch (result) {
            case KvResult.RangeResult range -> {
                header(out, RANGE, range.revision());
                writeKvs(out, range.kvs());
                out.writeBoolean(range.more());
                out.writeLong(range.count());
            }
            case KvResult.PutResult put -> {
                header(out, PUT, put.revision());
                writeOptionalKv(out, put.prevKv());
            }
            case KvResult.DeleteRangeResult delete -> {
                header(out, DELETE_RANGE, delete.revision());
                out.writeLong(delete.deleted());
                writeKvs(out, delete.prevKvs());
            }
            case KvResult.TxnResult txn -> {
                header(out, TXN, txn.revision());
                out.writeBoolean(txn.succeeded());
                out.writeLong(txn.responses().size());
                txn.responses().forEach(response -> writeOp(out, response));
            }
        }
    }

    private static void writeKvs(WireWriter out, List<KeyValue> kvs) {
        out.writeLong(kvs.size());
        kvs.forEach(kv -> writeKv(out, kv));
    }

    private static void writeOptionalKv(WireWriter out, KeyValue kv) {
        out.writeBoolean(kv != null);
        if (kv != null) {
            writeKv(out, kv);
        }
    }

    static void writeKv(WireWriter out, KeyValue kv) {
        out.writeBytes(kv.key());
        out.writeLong(kv.createRevision());
        out.writeLong(kv.modRevision());
        out.writeLong(kv.version());
        out.writeBytes(kv.value());
        out.writeLong(kv.lease());
    }

    static KvResult read(WireReader in) {
        return read(in, in.readByte(), 1);
    }

    private static KvResult read(WireReader in, int tag, int depth) {
        long revision = in.readLong();
        return switch (tag) {
            case RANGE, PUT, DELETE_RANGE, TXN -> readOp(in, tag, revision, depth);
            case COMPACT -> new KvResult.CompactResult(revision);
            case LEASE_GRANT -> new KvResult.LeaseGrantResult(revision, in.readLong(), in.readLong());
            case LEASE_REVOKE -> new KvResult.LeaseRevokeResult(revision);
            case LEASE_KEEP_ALIVE -> new KvResult.LeaseKeepAliveResult(revision, in.readLong(), in.readLong());
            case LEASE_TIME_TO_LIVE -> {
                long id = in.readLong();
                long ttlSeconds = in.readLong();
                int count = in.readCount("key");
                List<Bytes> keys = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    keys.add(in.readBytes());
                }
                yield new KvResult.LeaseTimeToLiveResult(revision, id, ttlSeconds, keys);
            }
            case LEASE_LIST -> {
                int count = in.readCount("lease id");
                List<Long> ids = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    ids.add(in.readLong());
                }
                yield new KvResult.LeaseListResult(revision, ids);
            }
            case FAILURE -> {
                KvError error = in.readEnum(KvError.values(), "error");
                yield new KvResult.Failure(revision, error, in.readString());
            }
            default -> throw in.malformed("unknown result tag " + tag);
        };
    }

    private static KvResult.OpResult readOp(WireReader in, int tag, long revision, int depth) {
        return switch (tag) {
            case RANGE -> {
                List<KeyValue> kvs = readKvs(in);
                boolean more = in.readBoolean();
                yield new KvResult.RangeResult(revision, kvs, more, in.readLong());
            }
            case PUT -> new KvResult.PutResult(revision, in.readBoolean() ? readKv(in) : null);
            case DELETE_RANGE -> {
                long deleted = in.readLong();
                yield new KvResult.DeleteRangeResult(revision, deleted, readKvs(in));
            }
            case TXN -> readTxn(in, revision, depth);
            default -> throw in.malformed("unknown op result tag " + tag);
        };
    }

    private static KvResult.TxnResult readTxn(WireReader in, long revision, int depth) {
        if (depth > DEPTH_MAX) {
            throw in.malformed("txn results nest deeper than " + DEPTH_MAX);
        }
        boolean succeeded = in.readBoolean();
        int count = in.readCount("txn response");
        List<KvResult.OpResult> responses = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int tag = in.readByte();
            if (tag < RANGE || tag > TXN) {
                throw in.malformed("txn response tag " + tag + " is not an op result");
            }
            responses.add((KvResult.OpResult) read(in, tag, depth + 1));
        }
        return new KvResult.TxnResult(revision, succeeded, responses);
    }

    private static List<KeyValue> readKvs(WireReader in) {
        int count = in.readCount("kv");
        List<KeyValue> kvs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            kvs.add(readKv(in));
        }
        return kvs;
    }

    static KeyValue readKv(WireReader in) {
        return new KeyValue(in.readBytes(), in.readLong(), in.readLong(), in.readLong(), in.readBytes(), in.readLong());
    }
}
