package parley.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * For keys with appends: which operations could <em>reset</em> the register on the way to the
 * string a read needs. Appends only ever extend the value's text, so from a value whose text is not
 * a prefix of the needed string S, S is reachable only through a write or cas that sets a prefix of
 * S (or S itself) again. These are the resetters of the read: writes and cas, completed or of
 * unknown outcome, setting a value whose text is a prefix of S, invoked before the read returns.
 * Once they are all linearized, the current text must stay a prefix of S; the
 * {@link SupplyTracker} uses this to abandon wrong append orders at once.
 */
final class PrefixResets {
    private static final int[] NONE = SlotLists.NONE;

    private final int[][] resettersBySlot;
    private final int[][] resetTargetsBySlot;
    private final boolean[] applies;

    /**
     * Indexes the resetters of every completed operation that needs a string, if the key has
     * appends (without appends the value's text never grows, and {@link ValueSupply} says it all).
     */
    PrefixResets(List<Operation> bySlot, int definiteCount, RegisterModel model) {
        resettersBySlot = new int[bySlot.size()][];
        applies = new boolean[bySlot.size()];
        boolean hasAppends = bySlot.stream().anyMatch(operation -> operation.action() == Action.APPEND);
        Map<String, List<Integer>> settersByText = hasAppends ? settersByText(bySlot) : Map.of();
        TreeSet<Integer> textLengths = new TreeSet<>();
        settersByText.keySet().forEach(text -> textLengths.add(text.length()));
        for (int slot = 0; slot < bySlot.size(); slot++) {
            int required = slot < definiteCount ? model.requiredState(slot) : -1;
            resettersBySlot[slot] = NONE;
            if (hasAppends && required >= 0 && model.value(required) instanceof Value.Str needed) {
                applies[slot] = true;
                resettersBySlot[slot] = resettersOf(needed.text(), bySlot.get(slot).completeLine(), settersByText, textLengths, bySlot);
            }
        }
        resetTargetsBySlot = SlotLists.invert(resettersBySlot);
    }

    /** True if {@code slot} needs a string on a key with appends, so the prefix rule applies to it. */
    boolean applies(int slot) {
        return applies[slot];
    }

    /** The resetters of {@code slot} (shared array). */
    int[] resettersOf(int slot) {
        return resettersBySlot[slot];
    }

    /** The operations {@code slot} is a resetter of (shared array). */
    int[] targetsOf(int slot) {
        return resetTargetsBySlot[slot];
    }

    private static Map<String, List<Integer>> settersByText(List<Operation> bySlot) {
        Map<String, List<Integer>> byText = new HashMap<>();
        for (int slot = 0; slot < bySlot.size(); slot++) {
            Operation operation = bySlot.get(slot);
            Value set = switch (operation.action()) {
                case WRITE -> operation.input();
                case CAS -> operation.outcome() == Outcome.FAIL ? null : ((Value.Pair) operation.input()).replacement();
                case READ, APPEND -> null;
            };
            if (set != null) {
                byText.computeIfAbsent(RegisterModel.asText(set), text -> new ArrayList<>()).add(slot);
            }
        }
        return byText;
    }

    private static int[] resettersOf(String needed, long deadline, Map<String, List<Integer>> settersByText, TreeSet<Integer> textLengths,
            List<Operation> bySlot) {
        List<Integer> resetters = new ArrayList<>();
        // Only prefixes with the length of some set text can match: few lookups, whatever the history size.
        for (int length : textLengths) {
            if (length > needed.length()) {
                break;
            }
            for (int setter : settersByText.getOrDefault(needed.substring(0, length), List.of())) {
                if (bySlot.get(setter).invokeLine() < deadline) {
                    resetters.add(setter);
                }
            }
        }
        return resetters.stream().mapToInt(Integer::intValue).toArray();
    }
}
