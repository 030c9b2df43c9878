package parley.check;

import java.util.List;
import java.util.Objects;

/**
 * A parsed history: its operations in invoke order, each paired with its completion.
 *
 * @param name the display name used in reports (a path as given, or {@code <stdin>})
 * @param operations the operations in invoke order; {@link Operation#index()} is the list index
 */
public record History(String name, List<Operation> operations) {
    public History {
        Objects.requireNonNull(name, "name");
        operations = List.copyOf(operations);
        for (int i = 0; i < operations.size(); i++) {
            Invariant.check(operations.get(i).index() == i, "operation %d has index %d", i, operations.get(i).index());
        }
    }
}
