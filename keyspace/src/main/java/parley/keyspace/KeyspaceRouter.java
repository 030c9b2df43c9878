package parley.keyspace;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import parley.kv.Compare;
import parley.kv.KeyRange;
import parley.kv.KvCommand;
import parley.kv.WatchRequest;

/**
 * Routes etcd requests by key: each must stay inside one keyspace, because each keyspace is its own
 * group with its own revisions, and nothing orders two groups' writes (cross-keyspace transactions
 * arrive with sharding). Pure functions of a {@link KeyspaceRegistry}.
 */
public final class KeyspaceRouter {
    private KeyspaceRouter() {}

    /** Where {@code command} goes on {@code registry}. */
    public static Route route(KeyspaceRegistry registry, KvCommand command) {
        return switch (command) {
            case KvCommand.Range range -> one(registry, "range", List.of(range.range()), false);
            case KvCommand.DeleteRange delete -> one(registry, "delete", List.of(delete.range()), false);
            case KvCommand.Put put -> one(registry, "put", List.of(KeyRange.single(put.key())), put.lease() != 0);
            case KvCommand.Txn txn -> {
                List<KeyRange> ranges = new ArrayList<>();
                boolean leased = collect(txn, ranges);
                yield one(registry, "transaction", ranges, leased);
            }
            // Leases and compaction belong to the default keyspace (its group holds the leases and its revisions).
            case KvCommand.Compact compact -> new Route.To(registry.defaultKeyspace());
            case KvCommand.LeaseGrant grant -> new Route.To(registry.defaultKeyspace());
            case KvCommand.LeaseRevoke revoke -> new Route.To(registry.defaultKeyspace());
            case KvCommand.LeaseExpire expire -> new Route.To(registry.defaultKeyspace());
            case KvCommand.LeaseKeepAlive keepAlive -> new Route.To(registry.defaultKeyspace());
            case KvCommand.LeaseTimeToLive ttl -> new Route.To(registry.defaultKeyspace());
            case KvCommand.LeaseList list -> new Route.To(registry.defaultKeyspace());
        };
    }

    /** Where a watch over {@code request}'s keys goes. */
    public static Route route(KeyspaceRegistry registry, WatchRequest request) {
        return one(registry, "watch", List.of(request.range()), false);
    }

    /** The keyspace every one of {@code ranges} lies in, or why there is none. */
    private static Route one(KeyspaceRegistry registry, String what, List<KeyRange> ranges, boolean attachesLease) {
        Set<Keyspace> owners = new LinkedHashSet<>();
        for (KeyRange range : ranges) owners.addAll(registry.owners(range));
        if (owners.isEmpty()) owners.add(registry.defaultKeyspace()); // a txn with no keys at all
        if (owners.size() > 1) {
            List<String> names = owners.stream().map(Keyspace::name).limit(3).toList();
            return new Route.Refused("the " + what + " spans keyspaces " + String.join(" and ", names)
                    + (owners.size() > 3 ? " and more" : "") + "; a request must stay inside one keyspace (parley keyspace list shows their prefixes)");
        }
        Keyspace keyspace = owners.iterator().next();
        if (keyspace.mode() != Keyspace.Mode.LINEARIZABLE) {
            return new Route.Refused("keyspace " + keyspace.name() + " is " + keyspace.mode().label()
                    + "; the etcd API serves linearizable keyspaces only");
        }
        if (keyspace.state() != Keyspace.State.ACTIVE) {
            return new Route.Unavailable("keyspace " + keyspace.name() + " is being " + (keyspace.state() == Keyspace.State.CREATING ? "created" : "dropped")
                    + "; retry in a moment");
        }
        if (attachesLease && !keyspace.isDefault()) {
            return new Route.Refused("leases live in the default keyspace; a key of keyspace " + keyspace.name()
                    + " cannot be attached to one");
        }
        return new Route.To(keyspace);
    }

    /** Adds every range {@code txn} compares or touches, nested transactions included; returns whether it attaches a lease. */
    private static boolean collect(KvCommand.Txn txn, List<KeyRange> ranges) {
        boolean leased = false;
        for (Compare compare : txn.compares()) ranges.add(compare.range());
        for (List<KvCommand.Op> branch : List.of(txn.success(), txn.failure())) {
            for (KvCommand.Op op : branch) {
                switch (op) {
                    case KvCommand.Range range -> ranges.add(range.range());
                    case KvCommand.DeleteRange delete -> ranges.add(delete.range());
                    case KvCommand.Put put -> {
                        ranges.add(KeyRange.single(put.key()));
                        leased |= put.lease() != 0;
                    }
                    case KvCommand.Txn nested -> leased |= collect(nested, ranges);
                }
            }
        }
        return leased;
    }
}
