package parley.keyspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import parley.kv.Bytes;
import parley.kv.Compare;
import parley.kv.KeyRange;
import parley.kv.KvCommand;
import parley.kv.KvResult;
import parley.kv.KvStateMachine;
import parley.kv.WatchRequest;

/**
 * The registry applied by a real store (the metadata group's state machine), its guard against
 * concurrent changes, and routing by key, checked against a brute-force owner of every key.
 */
class KeyspaceRegistryTest {
    private static final SortedSet<Long> NODES = new TreeSet<>(List.of(1L, 2L, 3L));
    private static final Keyspace DEFAULT = Keyspace.defaultKeyspace(1, NODES);

    /** A metadata store: commands applied in order, as the metadata group would. */
    private static final class Metadata {
        final KvStateMachine store = new KvStateMachine();
        long index;

        KvResult apply(KvCommand command) {
            return store.apply(++index, command);
        }

        KeyspaceRegistry registry() {
            KvResult.RangeResult all = (KvResult.RangeResult) store.read(KvCommand.Range.of(KeyRange.all()));
            return KeyspaceRegistry.decode(all.revision(), all.kvs(), DEFAULT);
        }

        /** Creates and activates keyspace {@code name} (the default group's fence between them is the node's to drive). */
        void create(String name, String prefix) {
            KeyspaceRegistry registry = registry();
            assertNull(registry.createProblem(name, Bytes.utf8(prefix), Keyspace.Mode.LINEARIZABLE));
            KvResult result = apply(registry.createCommand(name, Bytes.utf8(prefix), Keyspace.Mode.LINEARIZABLE, NODES));
            assertTrue(((KvResult.TxnResult) result).succeeded(), "create " + name);
            assertEquals(Keyspace.State.CREATING, registry().byName(name).state());
            assertTrue(((KvResult.TxnResult) apply(KeyspaceRegistry.activateCommand(registry().byName(name)))).succeeded(), "activate " + name);
        }

        /** Drops keyspace {@code name} through both steps. */
        void drop(String name) {
            assertTrue(((KvResult.TxnResult) apply(registry().dropCommand(name))).succeeded(), "drop " + name);
            assertEquals(Keyspace.State.DROPPING, registry().byName(name).state());
            assertTrue(((KvResult.TxnResult) apply(KeyspaceRegistry.finishDropCommand(registry().byName(name)))).succeeded(), "finish dropping " + name);
        }
    }

    @Test
    void createdKeyspacesGetTheirOwnGroupsAndSurviveDecoding() {
        Metadata metadata = new Metadata();
        metadata.create("orders", "orders/");
        metadata.create("users", "users/");
        KeyspaceRegistry registry = metadata.registry();
        assertEquals(List.of("orders", "users"), registry.keyspaces().stream().map(Keyspace::name).toList());
        assertEquals(KeyspaceRegistry.FIRST_KEYSPACE_GROUP_ID, registry.byName("orders").groupId());
        assertEquals(KeyspaceRegistry.FIRST_KEYSPACE_GROUP_ID + 1, registry.byName("users").groupId());
        assertEquals(NODES, registry.byName("users").replicas());
        assertEquals("orders", registry.owner(Bytes.utf8("orders/17")).name());
        assertEquals("default", registry.owner(Bytes.utf8("orders")).name());
        assertEquals("default", registry.owner(Bytes.utf8("zebra")).name());
    }

    @Test
    void aChangeDecidedOnAStaleRegistryDoesNotApply() {
        Metadata metadata = new Metadata();
        KeyspaceRegistry before = metadata.registry();
        KvCommand.Txn first = before.createCommand("a", Bytes.utf8("a/"), Keyspace.Mode.LINEARIZABLE, NODES);
        // Decided on the same registry: would reuse the group id and ignore any overlap with "a/".
        KvCommand.Txn second = before.createCommand("b", Bytes.utf8("a/b/"), Keyspace.Mode.LINEARIZABLE, NODES);
        assertTrue(((KvResult.TxnResult) metadata.apply(first)).succeeded());
        assertTrue(!((KvResult.TxnResult) metadata.apply(second)).succeeded(), "the guard must refuse the stale change");
        KeyspaceRegistry after = metadata.registry();
        assertEquals(List.of("a"), after.keyspaces().stream().map(Keyspace::name).toList());
        assertNotNull(after.createProblem("b", Bytes.utf8("a/b/"), Keyspace.Mode.LINEARIZABLE), "decided again, the overlap is seen");
    }

    @Test
    void droppedGroupsAreRememberedAndTheirIdsNeverReused() {
        Metadata metadata = new Metadata();
        metadata.create("a", "a/");
        long groupA = metadata.registry().byName("a").groupId();
        metadata.drop("a");
        KeyspaceRegistry registry = metadata.registry();
        assertNull(registry.byName("a"));
        assertEquals(Set.of(groupA), registry.droppedGroups());
        metadata.create("a", "a/");
        assertTrue(metadata.registry().byName("a").groupId() > groupA, "a re-created keyspace gets a new group");
        assertEquals("the default keyspace cannot be dropped", metadata.registry().dropProblem("default"));
    }

    @Test
    void keysOfAKeyspaceInTheMiddleOfAChangeAreRefusedForNowAndAStaleStepDoesNotApply() {
        Metadata metadata = new Metadata();
        KeyspaceRegistry empty = metadata.registry();
        metadata.apply(empty.createCommand("a", Bytes.utf8("a/"), Keyspace.Mode.LINEARIZABLE, NODES));
        Keyspace creating = metadata.registry().byName("a");
        assertInstanceOf(Route.Unavailable.class, KeyspaceRouter.route(metadata.registry(), put("a/1")));
        assertEquals(List.of(creating), metadata.registry().changing());
        assertNotNull(metadata.registry().dropProblem("a"), "a keyspace being created cannot be dropped yet");
        assertTrue(((KvResult.TxnResult) metadata.apply(KeyspaceRegistry.activateCommand(creating))).succeeded());
        assertFalse(((KvResult.TxnResult) metadata.apply(KeyspaceRegistry.activateCommand(creating))).succeeded(),
                "a step decided on an older record applies at most once");
        assertInstanceOf(Route.To.class, KeyspaceRouter.route(metadata.registry(), put("a/1")));
        metadata.apply(metadata.registry().dropCommand("a"));
        assertInstanceOf(Route.Unavailable.class, KeyspaceRouter.route(metadata.registry(), put("a/1")));
        assertTrue(metadata.registry().changing().get(0).stateRevision() > creating.stateRevision());
    }

    @Test
    void badNamesPrefixesAndModesAreRefusedWithReasons() {
        KeyspaceRegistry registry = new Metadata().registry();
        assertTrue(registry.createProblem("Orders", Bytes.utf8("o/"), Keyspace.Mode.LINEARIZABLE).contains("a-z"));
        assertTrue(registry.createProblem("default", Bytes.utf8("o/"), Keyspace.Mode.LINEARIZABLE).contains("outside every prefix"));
        assertTrue(registry.createProblem("o", Bytes.EMPTY, Keyspace.Mode.LINEARIZABLE).contains("non-empty"));
        assertTrue(registry.createProblem("o", Bytes.utf8("o/"), Keyspace.Mode.EVENTUAL).contains("not available yet"));
    }

    @Test
    void requestsThatSpanKeyspacesAreRefusedNamingBoth() {
        Metadata metadata = new Metadata();
        metadata.create("orders", "orders/");
        KeyspaceRegistry registry = metadata.registry();
        Route range = KeyspaceRouter.route(registry, KvCommand.Range.of(KeyRange.fromKey(Bytes.utf8("a"))));
        assertEquals("the range spans keyspaces default and orders; a request must stay inside one keyspace (parley keyspace list shows their prefixes)",
                assertInstanceOf(Route.Refused.class, range).message());
        KvCommand.Txn txn = new KvCommand.Txn(
                List.of(new Compare(Compare.Target.VERSION, Compare.Result.EQUAL, KeyRange.single(Bytes.utf8("orders/1")), 0, Bytes.EMPTY)),
                List.of(put("x")), List.of());
        assertTrue(assertInstanceOf(Route.Refused.class, KeyspaceRouter.route(registry, txn)).message().contains("spans keyspaces orders and default"));
        assertEquals("orders", ((Route.To) KeyspaceRouter.route(registry, put("orders/9"))).keyspace().name());
        assertEquals("orders", ((Route.To) KeyspaceRouter.route(registry,
                new WatchRequest(KeyRange.prefix(Bytes.utf8("orders/")), 0, false, false, false))).keyspace().name());
        KvCommand.Put leased = new KvCommand.Put(Bytes.utf8("orders/1"), Bytes.utf8("v"), 7, false, false, false);
        assertTrue(assertInstanceOf(Route.Refused.class, KeyspaceRouter.route(registry, leased)).message().contains("leases live in the default keyspace"));
    }

    /**
     * For random keyspaces over a small alphabet and random ranges, the owners the router computes are
     * exactly the owners of the keys the range holds, enumerated one by one.
     */
    @Property(tries = 300)
    void ownersOfARangeAreTheOwnersOfItsKeys(@ForAll @IntRange(min = 0, max = 1_000_000) int seed) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        Metadata metadata = new Metadata();
        for (int i = 0; i < 4; i++) {
            String prefix = word(random, 1 + random.nextInt(2));
            if (metadata.registry().createProblem("k" + i, Bytes.utf8(prefix), Keyspace.Mode.LINEARIZABLE) == null) metadata.create("k" + i, prefix);
        }
        KeyspaceRegistry registry = metadata.registry();
        String start = word(random, 1 + random.nextInt(3));
        KeyRange range = switch (random.nextInt(3)) {
            case 0 -> KeyRange.fromKey(Bytes.utf8(start));
            case 1 -> KeyRange.prefix(Bytes.utf8(start));
            default -> new KeyRange(Bytes.utf8(start), Bytes.utf8(word(random, 1 + random.nextInt(3))));
        };
        Set<String> expected = new LinkedHashSet<>();
        for (String key : allWords(3)) if (range.contains(Bytes.utf8(key))) expected.add(registry.owner(Bytes.utf8(key)).name());
        if (expected.isEmpty()) return; // nothing in the alphabet lies there; the answer does not matter
        Set<String> actual = new TreeSet<>(registry.owners(range).stream().map(Keyspace::name).toList());
        // Prefixes are at most two letters of a-c, so keys of up to three letters of a-d meet every keyspace and every gap.
        assertEquals(new TreeSet<>(expected), actual, registry + " over " + range);
    }

    private static KvCommand.Put put(String key) {
        return new KvCommand.Put(Bytes.utf8(key), Bytes.utf8("v"), 0, false, false, false);
    }

    private static String word(java.util.SplittableRandom random, int length) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < length; i++) out.append((char) ('a' + random.nextInt(3)));
        return out.toString();
    }

    private static List<String> allWords(int maxLength) {
        List<String> out = new ArrayList<>();
        List<String> level = List.of("");
        for (int length = 1; length <= maxLength; length++) {
            List<String> next = new ArrayList<>();
            for (String w : level) for (char c = 'a'; c <= 'd'; c++) next.add(w + c); // 'd': past every prefix's letters
            out.addAll(next);
            level = next;
        }
        return out;
    }
}
