package parley.torture;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import parley.check.Action;
import parley.check.Event;
import parley.check.EventType;
import parley.check.Value;

/**
 * What the clients saw, as it happened: the history for the linearizability checker (one event per
 * line, in the order the events happened, times in nanoseconds since the run began), the operations
 * for the report's timeline, and the acknowledged writes and reads with the revision each answer named,
 * for the watch and snapshot checks. Thread-safe; a client appends an event and takes its time under one
 * lock, so the order of the history is the order of the times.
 */
public final class Recorder {
    /** One key of an operation: the history's view (single-key registers). */
    record Part(int process, Action action, String key, Value value) {}

    /** One client operation for the report: its kind, keys, window, outcome and where it went. */
    public record Op(int client, String kind, List<String> keys, long invokeNs, long completeNs, EventType outcome, int node, String detail) {}

    /** A write the cluster acknowledged: at {@code revision}, {@code key} took {@code value}. */
    record AckedWrite(String key, long value, long revision, String kind) {}

    /** A read the cluster answered at {@code revision}: each key's value then (null: absent). */
    record AckedRead(Map<String, Long> values, long revision, String kind, long completeNs) {}

    private final long startNs;
    private final List<Event> events = new ArrayList<>();
    private final List<Op> ops = new ArrayList<>();
    private final List<AckedWrite> ackedWrites = new ArrayList<>();
    private final List<AckedRead> ackedReads = new ArrayList<>();

    Recorder(long startNs) {
        this.startNs = startNs;
    }

    long nowNs() {
        return System.nanoTime() - startNs;
    }

    /** Records the invocation of every part at one instant; returns it. */
    synchronized long invoke(List<Part> parts) {
        long t = nowNs();
        for (Part p : parts) events.add(new Event(p.process(), EventType.INVOKE, p.action(), p.key(), p.value(), OptionalLong.of(t)));
        return t;
    }

    /** Records the completion of every part at one instant, with the value each completed with; returns it. */
    synchronized long complete(List<Part> parts, EventType type) {
        long t = nowNs();
        for (Part p : parts) events.add(new Event(p.process(), type, p.action(), p.key(), p.value(), OptionalLong.of(t)));
        return t;
    }

    /**
     * Takes back the invocations of {@code parts}: for an operation refused before it was proposed, which
     * the history cannot state otherwise (a {@code fail} cas would claim its compare was false).
     * Each part's process has this operation as its only one outstanding, so its last invoke is it.
     */
    synchronized void retract(List<Part> parts) {
        for (Part p : parts) {
            for (int i = events.size() - 1; i >= 0; i--) {
                Event e = events.get(i);
                if (e.process() == p.process()) {
                    if (e.type() != EventType.INVOKE) throw new IllegalStateException("process " + p.process() + " has no operation outstanding");
                    events.remove(i);
                    break;
                }
            }
        }
    }

    synchronized void op(Op op) {
        ops.add(op);
    }

    synchronized void ackedWrite(AckedWrite write) {
        ackedWrites.add(write);
    }

    synchronized void ackedRead(AckedRead read) {
        ackedReads.add(read);
    }

    synchronized List<Event> events() { return List.copyOf(events); }

    synchronized List<Op> ops() { return List.copyOf(ops); }

    synchronized List<AckedWrite> ackedWrites() { return List.copyOf(ackedWrites); }

    synchronized List<AckedRead> ackedReads() { return List.copyOf(ackedReads); }
}
