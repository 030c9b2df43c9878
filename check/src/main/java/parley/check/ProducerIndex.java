package parley.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The operations of one key indexed by the value they could leave in the register: writes by value,
 * cas by new value, appends by the text they add (a value is found among appends by its suffixes).
 * {@link ValueSupply} uses it to find the producers of each needed value.
 */
final class ProducerIndex {
    private final List<Operation> bySlot;
    private final Map<Value, List<Integer>> settersByValue = new HashMap<>();
    private final Map<String, List<Integer>> appendsByText = new HashMap<>();
    private final TreeSet<Integer> appendLengths = new TreeSet<>();
    private final Map<Value, int[]> cache = new HashMap<>();

    /** Indexes {@code bySlot}, a key's operations by slot. */
    ProducerIndex(List<Operation> bySlot) {
        this.bySlot = bySlot;
        for (int slot = 0; slot < bySlot.size(); slot++) {
            Operation operation = bySlot.get(slot);
            switch (operation.action()) {
                case WRITE -> settersByValue.computeIfAbsent(operation.input(), v -> new ArrayList<>()).add(slot);
                case CAS -> {
                    if (operation.outcome() != Outcome.FAIL) {
                        settersByValue.computeIfAbsent(((Value.Pair) operation.input()).replacement(), v -> new ArrayList<>()).add(slot);
                    }
                }
                case APPEND -> {
                    String text = ((Value.Str) operation.input()).text();
                    appendsByText.computeIfAbsent(text, t -> new ArrayList<>()).add(slot);
                    appendLengths.add(text.length());
                }
                case READ -> { }
            }
        }
    }

    /** Producers of {@code value} other than {@code slot} itself, in invoke order. */
    int[] producersOf(Value value, int slot) {
        int[] all = cache.computeIfAbsent(value, this::compute);
        int count = 0;
        int[] others = new int[all.length];
        for (int producer : all) {
            if (producer != slot) {
                others[count++] = producer;
            }
        }
        return count == all.length ? all : Arrays.copyOf(others, count);
    }

    private int[] compute(Value value) {
        List<Integer> producers = new ArrayList<>(settersByValue.getOrDefault(value, List.of()));
        if (value instanceof Value.Str text) {
            // Only suffixes with the length of some appended text can match: few lookups.
            for (int length : appendLengths) {
                if (length <= text.text().length()) {
                    producers.addAll(appendsByText.getOrDefault(text.text().substring(text.text().length() - length), List.of()));
                }
            }
        }
        producers.sort(Comparator.comparingLong(p -> bySlot.get(p).invokeLine()));
        for (int producer : producers) {
            Invariant.check(RegisterModel.mayProduce(bySlot.get(producer), value), "indexed producer produces the value");
        }
        return producers.stream().mapToInt(Integer::intValue).toArray();
    }
}
