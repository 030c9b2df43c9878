package parley.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The configurations the search has already entered, so that it never explores one twice (the
 * memoization that makes Lowe's search practical). A configuration is the set of linearized
 * operations plus the register state.
 *
 * <p>Two refinements keep this small and strong:
 * <ul>
 *   <li><b>Compact keys.</b> Definite operations are numbered by return position, and every one that
 *       returns before the earliest unlinearized return is linearized; so the definite set is stored
 *       as that prefix length (the <em>frontier</em>) plus the few bits after it.
 *   <li><b>Dominance for unknown outcomes.</b> An info operation is never required to take effect
 *       and has no return to block anything. So if configuration (D, U, s) has been entered, where D
 *       is the definite set and U the set of linearized info operations, then any (D, U', s) with
 *       U' a superset of U can add nothing: every continuation from it also works from (D, U, s),
 *       leaving U' \ U never applied. Without this rule each info operation could double the work
 *       for the rest of the search, which is how a few crashed clients make checkers hang.
 *   <li><b>Irrelevant values.</b> The search files every configuration whose value nothing still
 *       to come can observe under {@link #IRRELEVANT_STATE}: such values are interchangeable.
 * </ul>
 */
final class ConfigMemo {
    /** The state under which configurations whose value nothing still needs are filed (see {@link RemainingDemand}). */
    static final int IRRELEVANT_STATE = -1;

    private final int infoWords;
    private final Map<Key, Object> infoSetsByKey = new HashMap<>();
    private long entryCount;

    /** The definite part of a configuration and the state; {@code words[0]} packs frontier and state. */
    private record Key(long[] words, int hash) {
        static Key of(int frontier, int state, long[] tailBits) {
            long[] words = new long[tailBits.length + 1];
            words[0] = ((long) frontier << 32) | (state & 0xffffffffL);
            System.arraycopy(tailBits, 0, words, 1, tailBits.length);
            return new Key(words, Arrays.hashCode(words));
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && key.hash == hash && Arrays.equals(key.words, words);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    ConfigMemo(int infoCount) {
        Invariant.check(infoCount >= 0, "info count is not negative");
        this.infoWords = (infoCount + 63) >>> 6;
    }

    /**
     * Records the configuration and returns true if it is new and not dominated; returns false if
     * the search has already entered it or a configuration that dominates it.
     *
     * @param frontier number of definite operations, in return order, that are all linearized
     * @param state the register state
     * @param tailBits linearized definite operations from {@code frontier} on (bit 0 = frontier)
     * @param infoBits linearized info operations
     */
    boolean enter(int frontier, int state, long[] tailBits, long[] infoBits) {
        Key key = Key.of(frontier, state, tailBits);
        if (infoWords == 0) {
            boolean added = infoSetsByKey.putIfAbsent(key, Boolean.TRUE) == null;
            entryCount += added ? 1 : 0;
            return added;
        }
        Invariant.check(infoBits.length == infoWords, "info bit set has %d words", infoWords);
        Object known = infoSetsByKey.get(key);
        if (known == null) {
            infoSetsByKey.put(key, infoBits.clone());
            entryCount++;
            return true;
        }
        return enterDominance(key, known, infoBits);
    }

    /** Number of info sets stored: the measure the memory budget applies to. */
    long entryCount() {
        return entryCount;
    }

    private boolean enterDominance(Key key, Object known, long[] infoBits) {
        List<long[]> sets = known instanceof long[] single ? new ArrayList<>(List.of(single)) : asList(known);
        for (long[] set : sets) {
            if (isSubset(set, infoBits)) {
                return false;
            }
        }
        // Stored supersets of the new set are now dominated by it; dropping them keeps lists short.
        int before = sets.size();
        sets.removeIf(set -> isSubset(infoBits, set));
        sets.add(infoBits.clone());
        entryCount += sets.size() - before;
        infoSetsByKey.put(key, sets.size() == 1 ? sets.get(0) : sets);
        return true;
    }

    @SuppressWarnings("unchecked")
    private static List<long[]> asList(Object known) {
        return (List<long[]>) known;
    }

    private static boolean isSubset(long[] small, long[] large) {
        for (int w = 0; w < small.length; w++) {
            if ((small[w] & ~large[w]) != 0) {
                return false;
            }
        }
        return true;
    }
}
