package parley.keyspace;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import parley.core.Check;
import parley.kv.Bytes;
import parley.kv.Compare;
import parley.kv.KeyRange;
import parley.kv.KeyValue;
import parley.kv.KvCommand;

/**
 * The keyspace registry as of one revision of the metadata group: which keyspaces exist, their
 * prefixes, modes and groups, and which groups were dropped. Immutable; a node decodes a new one
 * whenever the metadata group applies a change ({@link #decode}).
 *
 * <p>The registry lives in the metadata group's key-value store, one key per record, so that it is
 * replicated, recovered and snapshotted by the same code as any other data:
 * <ul>
 *   <li>{@code keyspace/NAME}: the keyspace's record (group, prefix in hex, mode, replicas);</li>
 *   <li>{@code dropped/GROUP}: a dropped keyspace's group, whose replicas are destroyed for good;</li>
 *   <li>{@code registry/next-group}: the next group id to hand out. Every change is a transaction
 *       that compares this key's modification revision with the one its author read, so two changes
 *       decided on the same registry cannot both apply: the loser re-reads and decides again.</li>
 * </ul>
 * Validation (names, overlapping prefixes) happens on the registry the author read; the compare makes
 * it hold at apply time too.
 */
public final class KeyspaceRegistry {
    /** The Raft group that holds the registry on every node. */
    public static final long METADATA_GROUP_ID = 2;
    /** The first group id handed to a keyspace (0 and 1 are unused and the default group, 2 is the metadata group). */
    public static final long FIRST_KEYSPACE_GROUP_ID = 3;
    /** Keyspaces a cluster may have: each one is a Raft group on each of its nodes. */
    public static final int KEYSPACES_MAX = 1_000;

    static final String KEYSPACE_KEY_PREFIX = "keyspace/";
    static final String DROPPED_KEY_PREFIX = "dropped/";
    static final Bytes NEXT_GROUP_KEY = Bytes.utf8("registry/next-group");

    private final long revision;
    /** Keyspaces by prefix: prefixes never overlap, so the floor of a key is the only candidate owner. */
    private final NavigableMap<Bytes, Keyspace> byPrefix;
    private final Map<String, Keyspace> byName;
    private final SortedSet<Long> droppedGroups;
    private final long nextGroupId;
    /** The modification revision of the next-group key (0: never written); every change compares it. */
    private final long guardModRevision;
    private final Keyspace defaultKeyspace;
    /** Keyspaces mid-change, computed once: the node looks at them after every event. */
    private final List<Keyspace> changing;

    private KeyspaceRegistry(long revision, List<Keyspace> keyspaces, SortedSet<Long> droppedGroups, long nextGroupId,
                             long guardModRevision, Keyspace defaultKeyspace) {
        this.revision = revision;
        this.byPrefix = new TreeMap<>();
        this.byName = new HashMap<>();
        for (Keyspace keyspace : keyspaces) {
            Keyspace clash = byPrefix.put(keyspace.prefix(), keyspace);
            Check.that(clash == null, "registry: keyspaces %s and %s share a prefix", clash, keyspace);
            byName.put(keyspace.name(), keyspace);
        }
        Check.that(noOverlaps(byPrefix), "registry: overlapping prefixes in %s", byPrefix.values());
        this.droppedGroups = Collections.unmodifiableSortedSet(new TreeSet<>(droppedGroups));
        this.nextGroupId = nextGroupId;
        this.guardModRevision = guardModRevision;
        this.defaultKeyspace = defaultKeyspace;
        List<Keyspace> changes = new ArrayList<>();
        for (Keyspace keyspace : byPrefix.values()) if (keyspace.state() != Keyspace.State.ACTIVE) changes.add(keyspace);
        this.changing = List.copyOf(changes);
    }

    /** A registry with no keyspaces but the default (before the metadata group applied anything). */
    public static KeyspaceRegistry empty(Keyspace defaultKeyspace) {
        return new KeyspaceRegistry(0, List.of(), new TreeSet<>(), FIRST_KEYSPACE_GROUP_ID, 0, defaultKeyspace);
    }

    /**
     * The registry that the metadata group's store holds: {@code entries} are every key of that store at
     * {@code revision}. Records this version cannot read are a bug (the metadata group is written only
     * through {@link #createCommand} and {@link #dropCommand}) and fail a check.
     */
    public static KeyspaceRegistry decode(long revision, List<KeyValue> entries, Keyspace defaultKeyspace) {
        List<Keyspace> keyspaces = new ArrayList<>();
        SortedSet<Long> dropped = new TreeSet<>();
        long nextGroupId = FIRST_KEYSPACE_GROUP_ID;
        long guardModRevision = 0;
        for (KeyValue entry : entries) {
            String key = entry.key().toUtf8();
            if (key.startsWith(KEYSPACE_KEY_PREFIX)) {
                keyspaces.add(decodeKeyspace(key.substring(KEYSPACE_KEY_PREFIX.length()), entry.value().toUtf8(), entry.modRevision()));
            } else if (key.startsWith(DROPPED_KEY_PREFIX)) {
                dropped.add(Long.parseLong(key.substring(DROPPED_KEY_PREFIX.length())));
            } else if (entry.key().equals(NEXT_GROUP_KEY)) {
                nextGroupId = Long.parseLong(entry.value().toUtf8());
                guardModRevision = entry.modRevision();
            } else {
                Check.that(false, "registry: unknown record %s in the metadata group", key);
            }
        }
        return new KeyspaceRegistry(revision, keyspaces, dropped, nextGroupId, guardModRevision, defaultKeyspace);
    }

    /** The metadata store revision this registry was read at. */
    public long revision() {
        return revision;
    }

    /** The keyspaces besides the default, by prefix. */
    public List<Keyspace> keyspaces() {
        return List.copyOf(byPrefix.values());
    }

    /** The keyspace named {@code name} (the default keyspace for "default"), or null. */
    public Keyspace byName(String name) {
        if (Keyspace.DEFAULT_NAME.equals(name)) return defaultKeyspace;
        return byName.get(name);
    }

    public Keyspace defaultKeyspace() {
        return defaultKeyspace;
    }

    /** Groups of dropped keyspaces: never hosted again anywhere. */
    public SortedSet<Long> droppedGroups() {
        return droppedGroups;
    }

    /** The keyspace that holds {@code key}. */
    public Keyspace owner(Bytes key) {
        Map.Entry<Bytes, Keyspace> floor = byPrefix.floorEntry(key);
        if (floor != null && startsWith(key, floor.getKey())) return floor.getValue();
        return defaultKeyspace;
    }

    /**
     * Every keyspace that holds some key of {@code range}, in key order (at least one: a range with no
     * keys belongs to the keyspace of its first key).
     */
    public List<Keyspace> owners(KeyRange range) {
        Keyspace first = owner(range.key());
        if (range.isSingleKey() || range.isEmpty()) return List.of(first);
        List<Keyspace> owners = new ArrayList<>();
        boolean touchesDefault = false;
        // Walk the keyspaces the range meets in key order; a gap before, between or after them is the default's.
        Bytes position = range.key();
        List<Keyspace> met = new ArrayList<>();
        if (!first.isDefault()) met.add(first);
        for (Keyspace next : byPrefix.tailMap(range.key(), false).values()) {
            if (!below(next.prefix(), range.rangeEnd())) break;
            if (next != first) met.add(next);
        }
        for (Keyspace keyspace : met) {
            if (position != null && position.compareTo(keyspace.prefix()) < 0) touchesDefault = true;
            owners.add(keyspace);
            Bytes end = KeyRange.prefixEnd(keyspace.prefix());
            position = end.equals(Bytes.ZERO) ? null : max(position, end); // null: nothing is left above
            if (position == null) break;
        }
        if (position != null && below(position, range.rangeEnd())) touchesDefault = true;
        if (touchesDefault) {
            // The default keyspace sorts first in messages: it is the one a client most likely meant.
            owners.add(0, defaultKeyspace);
        }
        return owners;
    }

    /**
     * Why a keyspace {@code name} with {@code prefix} and {@code mode} cannot be created on this
     * registry, or null when it can.
     */
    public String createProblem(String name, Bytes prefix, Keyspace.Mode mode) {
        String problem = Keyspace.nameProblem(name);
        if (problem != null) return problem;
        problem = Keyspace.prefixProblem(prefix);
        if (problem != null) return problem;
        if (mode != Keyspace.Mode.LINEARIZABLE) {
            return "mode " + mode.label() + " is not available yet: keyspaces are linearizable (Raft) today";
        }
        if (byName.containsKey(name)) return "keyspace " + name + " exists already: " + byName.get(name);
        if (byName.size() >= KEYSPACES_MAX) return "the cluster has " + byName.size() + " keyspaces, the most it may";
        for (Keyspace other : byPrefix.values()) {
            if (startsWith(prefix, other.prefix()) || startsWith(other.prefix(), prefix)) {
                return "prefix " + Keyspace.describe(prefix) + " overlaps keyspace " + other;
            }
        }
        return null;
    }

    /**
     * The metadata command that creates keyspace {@code name} with its own new group, hosted by
     * {@code replicas}; check {@link #createProblem} first. It applies only on this very registry:
     * a transaction that fails its compare means another change came first.
     */
    public KvCommand.Txn createCommand(String name, Bytes prefix, Keyspace.Mode mode, SortedSet<Long> replicas) {
        Check.that(createProblem(name, prefix, mode) == null, "createCommand: %s", createProblem(name, prefix, mode));
        Keyspace created = new Keyspace(name, prefix, mode, nextGroupId, replicas, Keyspace.State.CREATING, 0);
        return guarded(List.of(
                put(Bytes.utf8(KEYSPACE_KEY_PREFIX + name), encodeKeyspace(created)),
                put(NEXT_GROUP_KEY, Long.toString(nextGroupId + 1))));
    }

    /** Why keyspace {@code name} cannot be dropped, or null. */
    public String dropProblem(String name) {
        if (Keyspace.DEFAULT_NAME.equals(name)) return "the default keyspace cannot be dropped";
        Keyspace keyspace = byName.get(name);
        if (keyspace == null) return "no keyspace named " + name;
        if (keyspace.state() == Keyspace.State.CREATING) return "keyspace " + name + " is still being created; try again in a moment";
        if (keyspace.state() == Keyspace.State.DROPPING) return "keyspace " + name + " is being dropped already";
        return null;
    }

    /**
     * The metadata command that starts dropping keyspace {@code name}: it enters DROPPING, its group is
     * fenced, then {@link #finishDropCommand} removes it and its group's replicas are destroyed everywhere.
     */
    public KvCommand.Txn dropCommand(String name) {
        Check.that(dropProblem(name) == null, "dropCommand: %s", dropProblem(name));
        Keyspace dropping = byName.get(name).inState(Keyspace.State.DROPPING);
        return guarded(List.of(
                put(Bytes.utf8(KEYSPACE_KEY_PREFIX + name), encodeKeyspace(dropping)),
                put(NEXT_GROUP_KEY, Long.toString(nextGroupId)))); // rewritten to move the guard
    }

    /** Keyspaces in the middle of a change (being created or dropped), which the group leaders drive on. */
    public List<Keyspace> changing() {
        return changing;
    }

    /**
     * The metadata command that makes CREATING keyspace {@code keyspace} ACTIVE, once the default group
     * is fenced at its state revision; it applies only if the record did not change meanwhile.
     */
    public static KvCommand.Txn activateCommand(Keyspace keyspace) {
        Check.that(keyspace.state() == Keyspace.State.CREATING, "activate: %s is not being created", keyspace);
        Bytes key = Bytes.utf8(KEYSPACE_KEY_PREFIX + keyspace.name());
        return new KvCommand.Txn(List.of(recordGuard(key, keyspace)),
                List.of(put(key, encodeKeyspace(keyspace.inState(Keyspace.State.ACTIVE)))), List.of());
    }

    /** The metadata command that removes DROPPING keyspace {@code keyspace} once its group is fenced; its group is then destroyed everywhere. */
    public static KvCommand.Txn finishDropCommand(Keyspace keyspace) {
        Check.that(keyspace.state() == Keyspace.State.DROPPING, "finishDrop: %s is not being dropped", keyspace);
        Bytes key = Bytes.utf8(KEYSPACE_KEY_PREFIX + keyspace.name());
        return new KvCommand.Txn(List.of(recordGuard(key, keyspace)), List.of(
                new KvCommand.DeleteRange(KeyRange.single(key), false),
                put(Bytes.utf8(DROPPED_KEY_PREFIX + keyspace.groupId()), keyspace.name())), List.of());
    }

    private static Compare recordGuard(Bytes key, Keyspace keyspace) {
        return new Compare(Compare.Target.MOD, Compare.Result.EQUAL, KeyRange.single(key), keyspace.stateRevision(), Bytes.EMPTY);
    }

    private KvCommand.Txn guarded(List<KvCommand.Op> writes) {
        Compare guard = new Compare(Compare.Target.MOD, Compare.Result.EQUAL, KeyRange.single(NEXT_GROUP_KEY), guardModRevision, Bytes.EMPTY);
        return new KvCommand.Txn(List.of(guard), writes, List.of());
    }

    private static KvCommand.Put put(Bytes key, String value) {
        return new KvCommand.Put(key, Bytes.utf8(value), 0, false, false, false);
    }

    static String encodeKeyspace(Keyspace keyspace) {
        StringBuilder replicas = new StringBuilder();
        for (long id : keyspace.replicas()) replicas.append(replicas.isEmpty() ? "" : ",").append(id);
        return "group=" + keyspace.groupId() + "\nprefix=" + hex(keyspace.prefix()) + "\nmode=" + keyspace.mode().label()
                + "\nreplicas=" + replicas + "\nstate=" + keyspace.state().label() + "\n";
    }

    static Keyspace decodeKeyspace(String name, String record, long modRevision) {
        Map<String, String> fields = new HashMap<>();
        for (String line : record.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) fields.put(line.substring(0, eq), line.substring(eq + 1));
        }
        Keyspace.Mode mode = Keyspace.Mode.parse(fields.getOrDefault("mode", ""));
        Check.that(mode != null && fields.containsKey("group") && fields.containsKey("prefix") && fields.containsKey("replicas"),
                "registry: unreadable record for keyspace %s: %s", name, record);
        SortedSet<Long> replicas = new TreeSet<>();
        for (String id : fields.get("replicas").split(",")) if (!id.isEmpty()) replicas.add(Long.parseLong(id));
        Keyspace.State state = Keyspace.State.parse(fields.getOrDefault("state", "active"));
        Check.that(state != null, "registry: unknown state in the record of keyspace %s: %s", name, record);
        return new Keyspace(name, unhex(fields.get("prefix")), mode, Long.parseLong(fields.get("group")), replicas, state, modRevision);
    }

    private static String hex(Bytes bytes) {
        StringBuilder out = new StringBuilder();
        for (byte b : bytes.bytes()) out.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        return out.toString();
    }

    private static Bytes unhex(String hex) {
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        return new Bytes(out);
    }

    static boolean startsWith(Bytes key, Bytes prefix) {
        if (key.length() < prefix.length()) return false;
        for (int i = 0; i < prefix.length(); i++) if (key.unsignedAt(i) != prefix.unsignedAt(i)) return false;
        return true;
    }

    /** Whether {@code key} sorts below the range end {@code end} in etcd's encoding ("\0": no end). */
    private static boolean below(Bytes key, Bytes end) {
        return end.equals(Bytes.ZERO) || key.compareTo(end) < 0;
    }

    private static Bytes max(Bytes a, Bytes b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static boolean noOverlaps(NavigableMap<Bytes, Keyspace> byPrefix) {
        Bytes previous = null;
        for (Bytes prefix : byPrefix.keySet()) {
            if (previous != null && startsWith(prefix, previous)) return false;
            previous = prefix;
        }
        return true;
    }

    @Override
    public String toString() {
        return "registry@" + revision + " " + byPrefix.values() + (droppedGroups.isEmpty() ? "" : " dropped groups " + droppedGroups);
    }
}
