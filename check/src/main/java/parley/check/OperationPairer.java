package parley.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Pairs each process's invoke with its completion, event by event, into {@link Operation}s. It
 * enforces the rules of the process model: a process has at most one operation outstanding, a
 * completion answers the outstanding invoke with the same {@code f}, key and argument, and times
 * never go backwards. Invokes still outstanding at the end of the history become {@code info}.
 */
final class OperationPairer {
    private final String file;
    private final Map<Integer, Pending> pendingByProcess = new HashMap<>();
    private final List<Pending> started = new ArrayList<>();
    private final List<Operation> completedByIndex = new ArrayList<>();
    private long lastTimeNs = Operation.NO_TIME;
    private long lastLine = 0;

    /** An invoke waiting for its completion. */
    private record Pending(int index, Event invoke, long line) {}

    OperationPairer(String file) {
        this.file = Objects.requireNonNull(file, "file");
    }

    /** Accepts the event on 1-based line {@code line}; lines must be given in increasing order. */
    void accept(Event event, long line) throws HistoryFormatException {
        Invariant.check(line > lastLine, "lines arrive in order (%d after %d)", line, lastLine);
        lastLine = line;
        checkTime(event, line);
        if (event.type() == EventType.INVOKE) {
            invoke(event, line);
        } else {
            complete(event, line);
        }
    }

    /** The operations in invoke order; invokes still outstanding become {@code info}. */
    List<Operation> finish() {
        List<Operation> operations = new ArrayList<>(started.size());
        for (Pending pending : started) {
            Operation done = completedByIndex.get(pending.index());
            operations.add(done != null ? done : unknownOutcome(pending));
        }
        Invariant.check(operations.size() == started.size(), "every invoke yields one operation");
        return List.copyOf(operations);
    }

    private void checkTime(Event event, long line) throws HistoryFormatException {
        if (event.timeNs().isEmpty()) {
            return;
        }
        long timeNs = event.timeNs().getAsLong();
        if (lastTimeNs != Operation.NO_TIME && timeNs < lastTimeNs) {
            throw new HistoryFormatException(file, line, "time " + timeNs + " is earlier than the previous time " + lastTimeNs + " (times must be monotonic)");
        }
        lastTimeNs = timeNs;
    }

    private void invoke(Event event, long line) throws HistoryFormatException {
        Pending outstanding = pendingByProcess.get(event.process());
        if (outstanding != null) {
            throw new HistoryFormatException(file, line, "process " + event.process() + " invokes " + event.action().jsonName()
                    + " while its " + outstanding.invoke().action().jsonName() + " from line " + outstanding.line() + " is still outstanding");
        }
        Pending pending = new Pending(started.size(), event, line);
        started.add(pending);
        completedByIndex.add(null);
        pendingByProcess.put(event.process(), pending);
    }

    private void complete(Event event, long line) throws HistoryFormatException {
        Pending pending = pendingByProcess.remove(event.process());
        if (pending == null) {
            throw new HistoryFormatException(file, line, event.type().jsonName() + " " + event.action().jsonName()
                    + " completes nothing: process " + event.process() + " has no invoke outstanding");
        }
        Event invoke = pending.invoke();
        if (invoke.action() != event.action() || !invoke.key().equals(event.key())) {
            throw new HistoryFormatException(file, line, "completion " + event.action().jsonName() + " on key " + JsonText.quote(event.key())
                    + " does not match the invoke of " + invoke.action().jsonName() + " on key " + JsonText.quote(invoke.key()) + " at line " + pending.line());
        }
        checkArgumentEchoed(invoke, event, pending.line(), line);
        Value output = event.action() == Action.READ && event.type() == EventType.OK ? event.value() : Value.NULL;
        boolean unknown = event.type() == EventType.INFO;
        completedByIndex.set(pending.index(), new Operation(pending.index(), invoke.process(), invoke.action(), invoke.key(),
                inputOf(invoke), output, event.type().outcome(), pending.line(), timeOf(invoke),
                unknown ? Operation.UNBOUNDED : line, unknown ? Operation.UNBOUNDED : timeOf(event)));
    }

    /**
     * A completion repeats the argument of its invoke (Jepsen's convention). A mismatch means the
     * recorder paired the wrong events, so it is an error rather than something to guess about.
     * An {@code info} completion may leave the value null: a crashed client may not know it.
     */
    private void checkArgumentEchoed(Event invoke, Event completion, long invokeLine, long line) throws HistoryFormatException {
        if (invoke.action() == Action.READ) {
            return;
        }
        boolean infoWithoutValue = completion.type() == EventType.INFO && completion.value() instanceof Value.Null;
        if (!infoWithoutValue && !completion.value().equals(invoke.value())) {
            throw new HistoryFormatException(file, line, "completion value " + completion.value().toJson()
                    + " differs from the invoke's value " + invoke.value().toJson() + " at line " + invokeLine);
        }
    }

    private static Value inputOf(Event invoke) {
        // A read's invoke value carries no meaning (the format says null); do not let it leak.
        return invoke.action() == Action.READ ? Value.NULL : invoke.value();
    }

    private static long timeOf(Event event) {
        return event.timeNs().orElse(Operation.NO_TIME);
    }

    private static Operation unknownOutcome(Pending pending) {
        Event invoke = pending.invoke();
        return new Operation(pending.index(), invoke.process(), invoke.action(), invoke.key(), inputOf(invoke), Value.NULL,
                Outcome.INFO, pending.line(), timeOf(invoke), Operation.UNBOUNDED, Operation.UNBOUNDED);
    }
}
