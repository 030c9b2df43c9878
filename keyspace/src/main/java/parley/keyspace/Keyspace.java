package parley.keyspace;

import java.util.Locale;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;
import parley.kv.Bytes;
import parley.kv.KeyRange;

/**
 * A keyspace: a named slice of the key space, every key starting with {@code prefix}, replicated by
 * its own group in its own mode. Keys outside every prefix belong to the default keyspace, which the
 * default group (1) holds.
 *
 * @param name     unique, lower case: letters, digits, '-' and '_', at most {@link #NAME_CHARS_MAX} characters
 * @param prefix   the keys it holds; never empty, never overlapping another keyspace's
 * @param mode     how it replicates; never changes
 * @param groupId  the replica group that holds it
 * @param replicas the nodes that host its replicas (the voters it was founded with)
 * @param state    where it is in its life: being created, serving, or being dropped
 * @param stateRevision the metadata revision at which it entered {@code state} (its record's modification revision)
 */
public record Keyspace(String name, Bytes prefix, Mode mode, long groupId, SortedSet<Long> replicas, State state, long stateRevision) {
    /** The keyspace of every key outside all prefixes. */
    public static final String DEFAULT_NAME = "default";
    public static final int NAME_CHARS_MAX = 63;
    /** Prefixes longer than this are refused: they are compared on every request. */
    public static final int PREFIX_BYTES_MAX = 256;
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0," + (NAME_CHARS_MAX - 1) + "}");

    /** How a keyspace replicates. Only linearizable exists today; the others arrive with their own protocols. */
    public enum Mode {
        /** Raft: every operation linearizable; the minority side of a partition refuses. */
        LINEARIZABLE,
        /** A BFT log: safe while more than two thirds of nodes are honest. Not built yet. */
        BYZANTINE,
        /** Always writable, convergent after a partition heals. Not built yet. */
        EVENTUAL;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The mode named {@code label} (case-insensitive), or null. */
        public static Mode parse(String label) {
            for (Mode mode : values()) if (mode.label().equalsIgnoreCase(label)) return mode;
            return null;
        }
    }

    /**
     * A keyspace's life. Its prefix changes hands only through fences, so that no node routing by an
     * older registry can write where a newer one says the keys are not:
     * <ul>
     *   <li>CREATING: requests for its keys are refused (retry) while the default group is fenced at
     *       this revision, so the default keyspace takes no more of them from lagging nodes;</li>
     *   <li>ACTIVE: its group serves its keys;</li>
     *   <li>DROPPING: requests are refused (retry) while its own group is fenced, so it takes no more
     *       writes; then it is removed and its group destroyed on every node.</li>
     * </ul>
     */
    public enum State {
        CREATING, ACTIVE, DROPPING;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The state named {@code label}, or null. */
        public static State parse(String label) {
            for (State state : values()) if (state.label().equals(label)) return state;
            return null;
        }
    }

    public Keyspace {
        replicas = new TreeSet<>(replicas);
    }

    /** An active keyspace (state revision unknown). */
    public Keyspace(String name, Bytes prefix, Mode mode, long groupId, SortedSet<Long> replicas) {
        this(name, prefix, mode, groupId, replicas, State.ACTIVE, 0);
    }

    /** This keyspace in {@code next} state (written at a revision not known yet). */
    public Keyspace inState(State next) {
        return new Keyspace(name, prefix, mode, groupId, replicas, next, 0);
    }

    /** The default keyspace as the registry sees it: every key outside all prefixes, in the default group. */
    public static Keyspace defaultKeyspace(long defaultGroupId, SortedSet<Long> replicas) {
        return new Keyspace(DEFAULT_NAME, Bytes.EMPTY, Mode.LINEARIZABLE, defaultGroupId, replicas);
    }

    public boolean isDefault() {
        return prefix.isEmpty();
    }

    /** The keys this keyspace holds (meaningless for the default keyspace, whose keys are what the others leave). */
    public KeyRange keys() {
        return KeyRange.prefix(prefix);
    }

    /** Why {@code name} cannot name a keyspace, or null. */
    public static String nameProblem(String name) {
        if (name == null || name.isEmpty()) return "a keyspace needs a name";
        if (name.equals(DEFAULT_NAME)) return "\"" + DEFAULT_NAME + "\" is the keyspace of keys outside every prefix; choose another name";
        if (!NAME.matcher(name).matches()) {
            return "keyspace name \"" + name + "\" must be 1 to " + NAME_CHARS_MAX
                    + " characters of a-z, 0-9, '-' and '_', starting with a letter or digit";
        }
        return null;
    }

    /** Why {@code prefix} cannot be a keyspace's prefix (on its own; overlaps are the registry's to judge), or null. */
    public static String prefixProblem(Bytes prefix) {
        if (prefix.isEmpty()) return "a keyspace needs a non-empty key prefix (keys outside every prefix belong to the default keyspace)";
        if (prefix.length() > PREFIX_BYTES_MAX) return "a keyspace prefix may have at most " + PREFIX_BYTES_MAX + " bytes: " + prefix.length();
        return null;
    }

    /** The prefix for people: as text when it is printable, in hex otherwise. */
    public static String describe(Bytes prefix) {
        byte[] bytes = prefix.bytes();
        boolean printable = true;
        for (byte b : bytes) printable &= b >= 0x20 && b < 0x7f;
        if (printable) return "\"" + prefix.toUtf8() + "\"";
        StringBuilder hex = new StringBuilder("0x");
        for (byte b : bytes) hex.append(String.format("%02x", b & 0xff));
        return hex.toString();
    }

    @Override
    public String toString() {
        return name + " (prefix " + describe(prefix) + ", " + mode.label() + ", group " + groupId
                + (state == State.ACTIVE ? "" : ", " + state.label()) + ")";
    }
}
