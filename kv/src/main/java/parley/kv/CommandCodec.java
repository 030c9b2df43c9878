package parley.kv;

import java.util.ArrayList;
import java.util.List;

/** Encodes and decodes {@link KvCommand}s for {@link KvCodec}. Tags are part of the format: never reuse one. */
final class CommandCodec {
    private static final int RANGE = 1;
    private static final int PUT = 2;
    private static final int DELETE_RANGE = 3;
    private static final int TXN = 4;
    private static final int COMPACT = 5;
    private static final int LEASE_GRANT = 6;
    private static final int LEASE_REVOKE = 7;
    private static final int LEASE_EXPIRE = 8;
    private static final int LEASE_KEEP_ALIVE = 9;
    private static final int LEASE_TIME_TO_LIVE = 10;
    private static final int LEASE_LIST = 11;

    private CommandCodec() {}

    static void write(WireWriter out, KvCommand command) {
        switch (command) {
            case KvCommand.Op op -> writeOp(out, op);
            case KvCommand.Compact compact -> writeTagged(out, COMPACT, compact.revision());
            case KvCommand.LeaseGrant grant -> {
                writeTagged(out, LEASE_GRANT, grant.id());
                out.writeLong(grant.ttlSeconds());
            }
            case KvCommand.LeaseRevoke revoke -> writeTagged(out, LEASE_REVOKE, revoke.id());
            case KvCommand.LeaseExpire expire -> writeTagged(out, LEASE_EXPIRE, expire.id());
            case KvCommand.LeaseKeepAlive keepAlive -> writeTagged(out, LEASE_KEEP_ALIVE, keepAlive.id());
            case KvCommand.LeaseTimeToLive query -> {
                writeTagged(out, LEASE_TIME_TO_LIVE, query.id());
                out.writeBoolean(query.keys());
            }
            case KvCommand.LeaseList list -> out.writeByte(LEASE_LIST);
        }
    }

    private static void writeTagged(WireWriter out, int tag, long value) {
        out.writeByte(tag);
        out.writeLong(value);
    }

    private static void writeOp(WireWriter out, KvCommand.Op op) {
        switch (op) {
            case KvCommand.Range range -> {
                out.writeByte(RANGE);
                KvCodec.writeRange(out, range.range());
                out.writeLong(range.revision());
                out.writeLong(range.limit());
                out.writeByte(range.sortOrder().ordinal());
                out.writeByte(range.sortTarget().ordinal());
                out.writeBoolean(range.keysOnly());
                out.writeBoolean(range.countOnly());
                out.writeLong(range.minModRevision());
                out.writeLong(range.maxModRevision());
                out.writeLong(range.minCreateRevision());
                out.writeLong(range.maxCreateRevision());
            }
            case KvCommand.Put put -> {
                out.writeByte(PUT);
                out.writeBytes(put.key());
                out.writeBytes(put.value());
                out.writeLong(put.lease());
                out.writeBoolean(put.prevKv());
                out.writeBoolean(put.ignoreValue());
                out.writeBoolean(put.ignoreLease());
            }
            case KvCommand.DeleteRange delete -> {
                out.writeByte(DELETE_RANGE);
                KvCodec.writeRange(out, delete.range());
                out.writeBoolean(delete.prevKv());
            }
            case KvCommand.Txn txn -> {
                out.writeByte(TXN);
                out.writeLong(txn.compares().size());
                for (Compare compare : txn.compares()) {
                    writeCompare(out, compare);
                }
                writeOps(out, txn.success());
                writeOps(out, txn.failure());
            }
        }
    }

    private static void writeOps(WireWriter out, List<KvCommand.Op> ops) {
        out.writeLong(ops.size());
        for (KvCommand.Op op : ops) {
            writeOp(out, op);
        }
    }

    private static void writeCompare(WireWriter out, Compare compare) {
        out.writeByte(compare.target().ordinal());
        out.writeByte(compare.result().ordinal());
        KvCodec.writeRange(out, compare.range());
        if (compare.target() == Compare.Target.VALUE) {
            out.writeBytes(compare.value());
        } else {
            out.writeLong(compare.number());
        }
    }

    static KvCommand read(WireReader in) {
        int tag = in.readByte();
        return switch (tag) {
            case RANGE, PUT, DELETE_RANGE, TXN -> readOp(in, tag, 1);
            case COMPACT -> new KvCommand.Compact(in.readLong());
            case LEASE_GRANT -> {
                long id = in.readLong();
                yield new KvCommand.LeaseGrant(id, in.readLong());
            }
            case LEASE_REVOKE -> new KvCommand.LeaseRevoke(in.readLong());
            case LEASE_EXPIRE -> new KvCommand.LeaseExpire(in.readLong());
            case LEASE_KEEP_ALIVE -> new KvCommand.LeaseKeepAlive(in.readLong());
            case LEASE_TIME_TO_LIVE -> {
                long id = in.readLong();
                yield new KvCommand.LeaseTimeToLive(id, in.readBoolean());
            }
            case LEASE_LIST -> new KvCommand.LeaseList();
            default -> throw in.malformed("unknown command tag " + tag);
        };
    }

    private static KvCommand.Op readOp(WireReader in, int tag, int depth) {
        return switch (tag) {
            case RANGE -> readRangeOp(in);
            case PUT -> new KvCommand.Put(in.readBytes(), in.readBytes(), in.readLong(), in.readBoolean(),
                    in.readBoolean(), in.readBoolean());
            case DELETE_RANGE -> {
                KeyRange range = KvCodec.readRange(in);
                yield new KvCommand.DeleteRange(range, in.readBoolean());
            }
            case TXN -> readTxn(in, depth);
            default -> throw in.malformed("unknown op tag " + tag);
        };
    }

    private static KvCommand.Range readRangeOp(WireReader in) {
        KeyRange range = KvCodec.readRange(in);
        long revision = in.readLong();
        long limit = in.readLong();
        KvCommand.SortOrder order = in.readEnum(KvCommand.SortOrder.values(), "sort order");
        KvCommand.SortTarget target = in.readEnum(KvCommand.SortTarget.values(), "sort target");
        boolean keysOnly = in.readBoolean();
        boolean countOnly = in.readBoolean();
        return new KvCommand.Range(range, revision, limit, order, target, keysOnly, countOnly,
                in.readLong(), in.readLong(), in.readLong(), in.readLong());
    }

    private static KvCommand.Txn readTxn(WireReader in, int depth) {
        if (depth > KvCodec.TXN_DEPTH_MAX) {
            throw in.malformed("transactions nest deeper than " + KvCodec.TXN_DEPTH_MAX);
        }
        int compareCount = in.readCount("compare");
        List<Compare> compares = new ArrayList<>(compareCount);
        for (int i = 0; i < compareCount; i++) {
            compares.add(readCompare(in));
        }
        List<KvCommand.Op> success = readOps(in, depth);
        return new KvCommand.Txn(compares, success, readOps(in, depth));
    }

    private static List<KvCommand.Op> readOps(WireReader in, int depth) {
        int count = in.readCount("op");
        List<KvCommand.Op> ops = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ops.add(readOp(in, in.readByte(), depth + 1));
        }
        return ops;
    }

    private static Compare readCompare(WireReader in) {
        Compare.Target target = in.readEnum(Compare.Target.values(), "compare target");
        Compare.Result result = in.readEnum(Compare.Result.values(), "compare result");
        KeyRange range = KvCodec.readRange(in);
        if (target == Compare.Target.VALUE) {
            return new Compare(target, result, range, 0, in.readBytes());
        }
        return new Compare(target, result, range, in.readLong(), Bytes.EMPTY);
    }
}
