package parley.check;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns the deepest point of a failed search into a {@link Witness}: which operation had to take
 * effect next, why the state did not allow it, where the value it needed could have come from, and
 * why the other pending operations could not move the search on either.
 */
final class WitnessBuilder {
    /** Witnesses are for people: a handful of operations, not a dump of the history. */
    private static final int SOURCES_SHOWN_MAX = 3;
    private static final int PENDING_SHOWN_MAX = 2;

    private final KeyProblem problem;
    private final DeepestPoint deepest;
    private final RegisterModel model;

    /** Where a possible source of the needed value ended up; declaration order is display order. */
    private enum Fate { PENDING, OVERWRITTEN, OVERWRITTEN_BEFORE_IT_BEGAN, TOO_LATE }

    private record Source(int slot, Fate fate, String note) {}

    private WitnessBuilder(KeyProblem problem, DeepestPoint deepest) {
        this.problem = problem;
        this.deepest = deepest;
        this.model = problem.model();
    }

    static Witness build(KeyProblem problem, DeepestPoint deepest) {
        return new WitnessBuilder(problem, deepest).build();
    }

    private Witness build() {
        int blockingSlot = deepest.blockingSlot();
        Invariant.check(problem.isDefinite(blockingSlot), "the blocking operation has a return");
        Operation blocking = problem.operation(blockingSlot);
        Value needed = neededValue(blocking);
        List<Source> sources = needed == null ? List.of() : sourcesOf(needed, blockingSlot);
        List<Witness.Evidence> pending = new ArrayList<>();
        int unknownPending = 0;
        for (int slot : deepest.candidateSlots()) {
            if (!problem.isDefinite(slot)) {
                unknownPending++;
            } else if (slot != blockingSlot) {
                String why = model.whyRejected(deepest.state(), slot);
                Invariant.check(why != null, "no completed candidate fits the deepest state");
                pending.add(new Witness.Evidence(problem.operation(slot), why));
            }
        }
        int sourcesShown = Math.min(SOURCES_SHOWN_MAX, sources.size());
        int pendingShown = Math.min(PENDING_SHOWN_MAX, pending.size());
        Operation setter = deepest.setterSlot() < 0 ? null : problem.operation(deepest.setterSlot());
        boolean impossible = isImpossibleInAnyOrder(blockingSlot);
        String note = impossible ? impossibilityNote(needed, sources.isEmpty()) : blockingNote(blockingSlot, needed, sources.isEmpty());
        return new Witness(problem.key(), impossible, deepest.definiteLinearized(), problem.definiteCount(), model.value(deepest.state()), setter,
                new Witness.Evidence(blocking, note),
                sources.subList(0, sourcesShown).stream().map(s -> new Witness.Evidence(problem.operation(s.slot()), s.note())).toList(),
                pending.subList(0, pendingShown),
                sources.size() - sourcesShown + pending.size() - pendingShown, unknownPending);
    }

    /**
     * True if the blocking operation needs a value that nothing can supply in time, whatever the
     * order: no viable producer at all, and it is not the initial value.
     */
    private boolean isImpossibleInAnyOrder(int blockingSlot) {
        int required = problem.supply().requiredState(blockingSlot);
        return deepest.stop() == DeepestPoint.Stop.STARVED && required >= 0 && required != model.initialState()
                && problem.supply().producersOf(blockingSlot).length == 0;
    }

    private static String impossibilityNote(Value needed, boolean noSources) {
        return noSources
                ? "no operation on this key ever writes " + needed
                : "every operation that writes " + needed + " is superseded before it begins, or begins after it returns:";
    }

    private String blockingNote(int blockingSlot, Value needed, boolean noSources) {
        String why = model.whyRejected(deepest.state(), blockingSlot);
        Invariant.check(why != null, "the blocking operation does not fit the deepest state");
        String when = deepest.deadEnd() ? "" : "it returns first, so it must take effect next, but ";
        if (needed == null) {
            return when + why;
        }
        if (noSources) {
            return when + why + (needed instanceof Value.Null
                    ? "; the register is absent only initially"
                    : "; no operation on this key ever writes " + needed);
        }
        String supply = switch (deepest.stop()) {
            case EXHAUSTED -> "; writers of " + needed + ":";
            case STARVED -> "; nothing left can write " + needed + " before it returns:";
            case PREFIX_LOST -> "; appends only extend the current value and nothing left can reset it; writers of " + needed + ":";
        };
        return when + why + supply;
    }

    /** The value the blocking operation needed to find, or null if what it needs is "anything else". */
    private static Value neededValue(Operation blocking) {
        return switch (blocking.action()) {
            case READ -> blocking.output();
            case CAS -> blocking.outcome() == Outcome.OK ? ((Value.Pair) blocking.input()).expected() : null;
            case WRITE, APPEND -> throw new IllegalStateException("writes and appends never block: " + blocking.describe());
        };
    }

    /**
     * Operations that could leave {@code needed} in the register, most telling first: those still
     * pending, then those already overwritten (latest first), then those that came too late.
     */
    private List<Source> sourcesOf(Value needed, int blockingSlot) {
        Operation blocking = problem.operation(blockingSlot);
        List<Source> sources = new ArrayList<>();
        for (int slot = 0; slot < problem.slotCount(); slot++) {
            if (slot != blockingSlot && RegisterModel.mayProduce(problem.operation(slot), needed)) {
                sources.add(sourceOf(slot, blocking));
            }
        }
        sources.sort(Comparator.comparing(Source::fate).thenComparingLong(source -> {
            long invokeLine = problem.operation(source.slot()).invokeLine();
            return source.fate() == Fate.PENDING || source.fate() == Fate.TOO_LATE ? invokeLine : -invokeLine;
        }));
        return sources;
    }

    private Source sourceOf(int slot, Operation blocking) {
        Operation operation = problem.operation(slot);
        if (operation.invokeLine() > blocking.completeLine()) {
            return new Source(slot, Fate.TOO_LATE, "was invoked after that return, too late");
        }
        int overwriter = problem.supply().overwriterOf(slot);
        if (overwriter >= 0 && problem.operation(overwriter).completeLine() < blocking.invokeLine()) {
            return new Source(slot, Fate.OVERWRITTEN_BEFORE_IT_BEGAN,
                    "was superseded before it began, by " + problem.operation(overwriter).describe());
        }
        if (isLinearized(slot)) {
            String note = slot == deepest.setterSlot()
                    ? "took effect, making the current value " + model.value(deepest.state())
                    : "took effect earlier; the value has changed since";
            return new Source(slot, Fate.OVERWRITTEN, note);
        }
        String why = model.whyRejected(deepest.state(), slot);
        return new Source(slot, Fate.PENDING, why == null ? "is pending, but taking effect does not help" : "is pending, but " + why);
    }

    private boolean isLinearized(int slot) {
        return problem.isDefinite(slot)
                ? Bits.get(deepest.linearizedDefinite(), slot)
                : Bits.get(deepest.linearizedInfo(), slot - problem.definiteCount());
    }
}
