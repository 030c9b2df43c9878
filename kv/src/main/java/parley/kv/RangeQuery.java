package parley.kv;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import parley.core.Check;

/**
 * Runs a {@link KvCommand.Range} with etcd's exact semantics ({@code applierV3backend.Range}): the
 * count is of all keys in the range at the read revision, before filters and limit; filters and a
 * sort make the store fetch everything, then sort, then cut to the limit; {@code more} says the
 * limit cut something off.
 */
final class RangeQuery {
    private RangeQuery() {}

    /**
     * Reads {@code request} from {@code store}. The request's revision must already be checked
     * readable; {@code currentRevision} is what a revision of 0 means and what the header reports.
     */
    static KvResult.RangeResult run(MvccStore store, KvCommand.Range request, long currentRevision) {
        long atRevision = request.revision() > 0 ? request.revision() : currentRevision;
        Check.that(atRevision >= store.compactRevision() && atRevision <= currentRevision,
                "range revision %d was checked readable", atRevision);
        if (request.countOnly()) {
            long count = store.range(request.range(), atRevision, 0).count();
            return new KvResult.RangeResult(currentRevision, List.of(), false, count);
        }
        boolean fetchAll = request.sortOrder() != KvCommand.SortOrder.NONE || hasFilters(request);
        long fetchLimit = fetchAll || request.limit() <= 0 ? 0 : request.limit() + 1;
        MvccStore.Slice slice = store.range(request.range(), atRevision, fetchLimit);
        List<KeyValue> kvs = new ArrayList<>(slice.kvs());
        kvs.removeIf(kv -> !passesFilters(request, kv));
        sort(kvs, request);
        boolean more = false;
        if (request.limit() > 0 && kvs.size() > request.limit()) {
            kvs = new ArrayList<>(kvs.subList(0, (int) request.limit()));
            more = true;
        }
        if (request.keysOnly()) {
            kvs.replaceAll(KeyValue::withoutValue);
        }
        return new KvResult.RangeResult(currentRevision, kvs, more, slice.count());
    }

    private static boolean hasFilters(KvCommand.Range request) {
        return request.minModRevision() != 0 || request.maxModRevision() != 0
                || request.minCreateRevision() != 0 || request.maxCreateRevision() != 0;
    }

    private static boolean passesFilters(KvCommand.Range request, KeyValue kv) {
        return (request.maxModRevision() == 0 || kv.modRevision() <= request.maxModRevision())
                && (request.minModRevision() == 0 || kv.modRevision() >= request.minModRevision())
                && (request.maxCreateRevision() == 0 || kv.createRevision() <= request.maxCreateRevision())
                && (request.minCreateRevision() == 0 || kv.createRevision() >= request.minCreateRevision());
    }

    /**
     * etcd's quirk, kept for compatibility: a target other than KEY with order NONE sorts ascending,
     * and KEY ascending is the store's natural order so it is not re-sorted. Java's sort is stable,
     * so ties keep key order on every replica (etcd's Go sort does not promise that).
     */
    private static void sort(List<KeyValue> kvs, KvCommand.Range request) {
        KvCommand.SortOrder order = request.sortOrder();
        KvCommand.SortTarget target = request.sortTarget();
        if (target != KvCommand.SortTarget.KEY && order == KvCommand.SortOrder.NONE) {
            order = KvCommand.SortOrder.ASCEND;
        } else if (target == KvCommand.SortTarget.KEY && order == KvCommand.SortOrder.ASCEND) {
            order = KvCommand.SortOrder.NONE;
        }
        if (order == KvCommand.SortOrder.NONE) {
            return;
        }
        Comparator<KeyValue> byTarget = switch (target) {
            case KEY -> Comparator.comparing(KeyValue::key);
            case VERSION -> Comparator.comparingLong(KeyValue::version);
            case CREATE -> Comparator.comparingLong(KeyValue::createRevision);
            case MOD -> Comparator.comparingLong(KeyValue::modRevision);
            case VALUE -> Comparator.comparing(KeyValue::value);
        };
        kvs.sort(order == KvCommand.SortOrder.DESCEND ? byTarget.reversed() : byTarget);
    }
}
