package parley.check;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * One line of a history: a process invoked an operation, or the operation it had outstanding
 * completed. See {@link HistoryReader} for the file format.
 *
 * @param process the client process; it has at most one operation outstanding
 * @param type invocation or one of the completions
 * @param action what the operation does
 * @param key the register the operation addresses
 * @param value {@code read}: {@link Value#NULL} on invoke, the value read on completion;
 *     {@code write}/{@code append}: the argument; {@code cas}: a {@link Value.Pair}
 * @param timeNs optional monotonic time in nanoseconds
 */
public record Event(int process, EventType type, Action action, String key, Value value, OptionalLong timeNs) {
    public Event {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(timeNs, "timeNs");
    }

    /** An event without a time. */
    public Event(int process, EventType type, Action action, String key, Value value) {
        this(process, type, action, key, value, OptionalLong.empty());
    }
}
