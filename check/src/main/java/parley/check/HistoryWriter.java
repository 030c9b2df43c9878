package parley.check;

import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.HashSet;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Records a history in the format {@link HistoryReader} reads, one event per line, as it happens.
 * The simulator calls {@link #invoke} when a client starts an operation and {@link #complete} when
 * it learns the outcome; events must be written in real-time order, which is what the line order
 * means.
 *
 * <p>The writer enforces the process model (one outstanding operation per process) with an
 * always-on check, because a recorder that breaks it produces histories no checker can judge.
 * I/O errors surface as {@link UncheckedIOException}: a simulator cannot continue without its record.
 */
public final class HistoryWriter implements Flushable, Closeable {
    private final Writer out;
    private final Set<Integer> outstandingProcesses = new HashSet<>();
    private long lastTimeNs = Operation.NO_TIME;

    /** Writes to {@code out}; {@link #close()} closes it. */
    public HistoryWriter(Writer out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    /** Records that {@code process} invoked {@code action} on {@code key} with {@code value}. */
    public void invoke(int process, Action action, String key, Value value) {
        write(new Event(process, EventType.INVOKE, action, key, value));
    }

    /** Like {@link #invoke(int, Action, String, Value)}, at {@code timeNs}. */
    public void invoke(int process, Action action, String key, Value value, long timeNs) {
        write(new Event(process, EventType.INVOKE, action, key, value, OptionalLong.of(timeNs)));
    }

    /**
     * Records the completion of {@code process}'s outstanding operation. {@code value} is the value
     * read for an ok read, and the invoke's argument otherwise.
     */
    public void complete(int process, Outcome outcome, Action action, String key, Value value) {
        write(new Event(process, outcome.eventType(), action, key, value));
    }

    /** Like {@link #complete(int, Outcome, Action, String, Value)}, at {@code timeNs}. */
    public void complete(int process, Outcome outcome, Action action, String key, Value value, long timeNs) {
        write(new Event(process, outcome.eventType(), action, key, value, OptionalLong.of(timeNs)));
    }

    /** Writes one event. */
    public void write(Event event) {
        boolean isInvoke = event.type() == EventType.INVOKE;
        boolean outstanding = outstandingProcesses.contains(event.process());
        Invariant.check(isInvoke != outstanding, "process %d %s", event.process(),
                isInvoke ? "invokes while an operation is outstanding" : "completes without an outstanding invoke");
        Invariant.check(event.action() != Action.CAS || event.value() instanceof Value.Pair || event.type() == EventType.INFO,
                "cas events carry a [expected, new] pair");
        if (event.timeNs().isPresent()) {
            long timeNs = event.timeNs().getAsLong();
            Invariant.check(lastTimeNs == Operation.NO_TIME || timeNs >= lastTimeNs, "event times are monotonic (%d after %d)", timeNs, lastTimeNs);
            lastTimeNs = timeNs;
        }
        try {
            out.write(EventCodec.format(event));
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (isInvoke) {
            outstandingProcesses.add(event.process());
        } else {
            outstandingProcesses.remove(event.process());
        }
    }

    @Override
    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
