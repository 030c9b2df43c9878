package parley.check;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A deliberately naive linearizability checker, written from the history format's text and nothing
 * else, to judge the real one on small histories: it tries every order that respects real time,
 * with no shortcuts beyond remembering failed (set, value) pairs. Exponential; for a dozen
 * operations at most.
 */
final class BruteForceChecker {
    private final List<Operation> ops = new ArrayList<>();
    private final Set<String> failed = new HashSet<>();

    private BruteForceChecker(History history) {
        for (Operation op : history.operations()) {
            boolean constrains = switch (op.outcome()) {
                case OK -> true;
                case FAIL -> op.action() == Action.CAS; // a failed cas says the value was not the expected one
                case INFO -> op.action() != Action.READ; // an unknown read says nothing
            };
            if (constrains) {
                ops.add(op);
            }
        }
    }

    static boolean isLinearizable(History history) {
        BruteForceChecker checker = new BruteForceChecker(history);
        if (checker.ops.size() > 20) {
            throw new IllegalArgumentException("too many operations for brute force: " + checker.ops.size());
        }
        return checker.search(0, Value.NULL);
    }

    private boolean search(int done, Value value) {
        if (allCompletedDone(done)) {
            return true; // unknown-outcome operations left over never took effect
        }
        String key = done + "/" + value.toJson();
        if (failed.contains(key)) {
            return false;
        }
        long firstReturn = Long.MAX_VALUE;
        for (int i = 0; i < ops.size(); i++) {
            if ((done & (1 << i)) == 0) {
                firstReturn = Math.min(firstReturn, ops.get(i).completeLine());
            }
        }
        for (int i = 0; i < ops.size(); i++) {
            Operation op = ops.get(i);
            if ((done & (1 << i)) != 0 || op.invokeLine() > firstReturn) {
                continue;
            }
            Value after = apply(op, value);
            if (after != null && search(done | (1 << i), after)) {
                return true;
            }
        }
        failed.add(key);
        return false;
    }

    private boolean allCompletedDone(int done) {
        for (int i = 0; i < ops.size(); i++) {
            if ((done & (1 << i)) == 0 && ops.get(i).outcome() != Outcome.INFO) {
                return false;
            }
        }
        return true;
    }

    /** The value after {@code op} takes effect on {@code value}, or null if it cannot take effect there. */
    private static Value apply(Operation op, Value value) {
        return switch (op.action()) {
            case READ -> op.output().equals(value) ? value : null;
            case WRITE -> op.input();
            case APPEND -> Value.of(text(value) + text(op.input()));
            case CAS -> {
                Value.Pair pair = (Value.Pair) op.input();
                boolean matches = pair.expected().equals(value);
                if (op.outcome() == Outcome.FAIL) {
                    yield matches ? null : value;
                }
                // ok: must match; info: taking effect needs a match, and "never" covers the rest.
                yield matches ? pair.replacement() : null;
            }
        };
    }

    private static String text(Value value) {
        return switch (value) {
            case Value.Null absent -> "";
            case Value.Str str -> str.text();
            case Value.Num num -> num.decimal();
            case Value.Pair pair -> throw new IllegalArgumentException("no pairs in registers");
        };
    }
}
