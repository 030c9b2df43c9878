package parley.check;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The operations on one key, prepared for the search. Operations that constrain nothing are dropped
 * (see {@link RegisterModel#constrains}). The rest get slot numbers: first the <em>definite</em>
 * operations (ok, and failed cas), which must take effect before they return, ordered by return
 * position; then the <em>unknown</em> ones (info), which may take effect at any time after their
 * invoke or never, ordered by invoke position.
 *
 * <p>Ordering definite slots by return position makes the set of linearized operations compact:
 * every operation that returns before the earliest unlinearized return has been linearized, so a
 * search configuration is a short prefix length plus a few bits (see {@link ConfigMemo}).
 */
final class KeyProblem {
    private final String key;
    private final List<Operation> bySlot;
    private final int definiteCount;
    private final RegisterModel model = new RegisterModel();
    private final ValueSupply supply;
    private final PrefixResets resets;

    private KeyProblem(String key, List<Operation> definite, List<Operation> unknown) {
        this.key = Objects.requireNonNull(key, "key");
        List<Operation> slots = new ArrayList<>(definite);
        slots.addAll(unknown);
        this.bySlot = List.copyOf(slots);
        this.definiteCount = definite.size();
        for (int slot = 0; slot < bySlot.size(); slot++) {
            int step = model.add(bySlot.get(slot));
            Invariant.check(step == slot, "model step numbers equal slots");
        }
        this.supply = new ValueSupply(bySlot, definiteCount, model);
        this.resets = new PrefixResets(bySlot, definiteCount, model);
    }

    /** Prepares {@code operations}, which must all address {@code key}. */
    static KeyProblem of(String key, List<Operation> operations) {
        List<Operation> definite = new ArrayList<>();
        List<Operation> unknown = new ArrayList<>();
        for (Operation operation : operations) {
            Invariant.check(operation.key().equals(key), "operation on key %s filed under %s", operation.key(), key);
            if (!RegisterModel.constrains(operation)) {
                continue;
            }
            if (operation.isInfo()) {
                unknown.add(operation);
            } else {
                definite.add(operation);
            }
        }
        definite.sort(Comparator.comparingLong(Operation::completeLine));
        unknown.sort(Comparator.comparingLong(Operation::invokeLine));
        return new KeyProblem(key, definite, unknown);
    }

    String key() {
        return key;
    }

    /** Number of slots: definite plus unknown-outcome operations. */
    int slotCount() {
        return bySlot.size();
    }

    /** Slots {@code [0, definiteCount)} must all be linearized for a verdict of linearizable. */
    int definiteCount() {
        return definiteCount;
    }

    boolean isDefinite(int slot) {
        return slot < definiteCount;
    }

    Operation operation(int slot) {
        return bySlot.get(slot);
    }

    /** All slotted operations, definite first. */
    List<Operation> operations() {
        return bySlot;
    }

    RegisterModel model() {
        return model;
    }

    ValueSupply supply() {
        return supply;
    }

    PrefixResets resets() {
        return resets;
    }
}
