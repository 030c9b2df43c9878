package parley.kv;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A deliberately naive model of the store for property tests: a TreeMap of the latest versions,
 * copied after every revision. Written from etcd's documented semantics, sharing no logic with the
 * store beyond the value types.
 */
final class ReferenceModel {
    private TreeMap<Bytes, KeyValue> latest = new TreeMap<>();
    private final Map<Long, TreeMap<Bytes, KeyValue>> byRevision = new TreeMap<>();
    private long revision = 1;
    private long compactRevision;

    ReferenceModel() {
        byRevision.put(1L, new TreeMap<>());
    }

    long revision() {
        return revision;
    }

    long compactRevision() {
        return compactRevision;
    }

    List<KeyValue> liveAt(long atRevision) {
        return List.copyOf(byRevision.get(atRevision).values());
    }

    /** Applies {@code command} to the model; {@code actual} is consulted only to skip refused commands. */
    void apply(KvCommand command, KvResult actual) {
        switch (command) {
            case KvCommand.Put put -> write(List.of(put));
            case KvCommand.DeleteRange delete -> write(List.of(delete));
            case KvCommand.Txn txn -> {
                if (hasDuplicates(txn.success()) || hasDuplicates(txn.failure())) {
                    expectFailure(actual, KvError.DUPLICATE_KEY);
                    return;
                }
                boolean succeeded = txn.compares().stream().allMatch(this::holds);
                write(succeeded ? txn.success() : txn.failure());
            }
            case KvCommand.Compact compact -> {
                if (compact.revision() <= compactRevision) {
                    expectFailure(actual, KvError.COMPACTED);
                } else if (compact.revision() > revision) {
                    expectFailure(actual, KvError.FUTURE_REV);
                } else {
                    compactRevision = compact.revision();
                }
            }
            default -> throw new IllegalArgumentException("the model does not know " + command);
        }
    }

    private static void expectFailure(KvResult actual, KvError error) {
        if (!(actual instanceof KvResult.Failure failure) || failure.error() != error) {
            throw new AssertionError("expected " + error + ", got " + actual);
        }
    }

    private void write(List<KvCommand.Op> ops) {
        TreeMap<Bytes, KeyValue> next = new TreeMap<>(latest);
        long nextRevision = revision + 1;
        boolean changed = false;
        for (KvCommand.Op op : ops) {
            if (op instanceof KvCommand.Put put) {
                KeyValue old = next.get(put.key());
                next.put(put.key(), new KeyValue(put.key(), old == null ? nextRevision : old.createRevision(),
                        nextRevision, old == null ? 1 : old.version() + 1, put.value(), 0));
                changed = true;
            } else if (op instanceof KvCommand.DeleteRange delete) {
                changed |= next.keySet().removeIf(key -> inRange(delete.range().key(), delete.range().rangeEnd(), key));
            }
        }
        if (changed) {
            latest = next;
            revision = nextRevision;
            byRevision.put(revision, next);
        }
    }

    private boolean holds(Compare compare) {
        List<KeyValue> kvs = new ArrayList<>();
        for (KeyValue kv : latest.values()) {
            if (inRange(compare.range().key(), compare.range().rangeEnd(), kv.key())) {
                kvs.add(kv);
            }
        }
        if (kvs.isEmpty()) {
            if (compare.target() == Compare.Target.VALUE) {
                return false;
            }
            kvs.add(new KeyValue(compare.range().key(), 0, 0, 0, Bytes.EMPTY, 0));
        }
        for (KeyValue kv : kvs) {
            int c = switch (compare.target()) {
                case VERSION -> Long.compare(kv.version(), compare.number());
                case CREATE -> Long.compare(kv.createRevision(), compare.number());
                case MOD -> Long.compare(kv.modRevision(), compare.number());
                case LEASE -> Long.compare(kv.lease(), compare.number());
                case VALUE -> kv.value().compareTo(compare.value());
            };
            boolean ok = switch (compare.result()) {
                case EQUAL -> c == 0;
                case NOT_EQUAL -> c != 0;
                case GREATER -> c > 0;
                case LESS -> c < 0;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasDuplicates(List<KvCommand.Op> ops) {
        Set<Bytes> puts = new HashSet<>();
        for (KvCommand.Op op : ops) {
            if (op instanceof KvCommand.Put put && !puts.add(put.key())) {
                return true;
            }
        }
        for (KvCommand.Op op : ops) {
            if (op instanceof KvCommand.DeleteRange delete) {
                for (Bytes key : puts) {
                    if (inRange(delete.range().key(), delete.range().rangeEnd(), key)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** etcd's range encoding, written out longhand. */
    private static boolean inRange(Bytes key, Bytes rangeEnd, Bytes candidate) {
        if (rangeEnd.length() == 0) {
            return candidate.equals(key);
        }
        boolean atOrAfterStart = candidate.compareTo(key) >= 0;
        boolean unbounded = rangeEnd.length() == 1 && rangeEnd.unsignedAt(0) == 0;
        return atOrAfterStart && (unbounded || candidate.compareTo(rangeEnd) < 0);
    }
}
