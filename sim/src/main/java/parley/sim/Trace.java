package parley.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where the world writes its event-by-event trace: one line per delivery, drop, timer, sync, crash,
 * restart, pause, partition and fault, each stamped with virtual time. Rendering is deterministic, so
 * the same seed gives the same lines byte for byte. Off by default: when {@link #enabled()} is false
 * the world builds no strings at all.
 */
public interface Trace {

    /** Whether lines are wanted; the world formats nothing when this is false. */
    boolean enabled();

    /** Receives one rendered line (no trailing newline). */
    void line(String line);

    /** The default: no trace, no formatting cost. */
    static Trace off() {
        return Off.INSTANCE;
    }

    /** A trace that keeps every line in memory. */
    static Recording recording() {
        return new Recording();
    }

    /** A trace that hands each line to {@code sink} (e.g. {@code System.out::println}). */
    static Trace to(Consumer<String> sink) {
        return new Trace() {
            @Override public boolean enabled() { return true; }
            @Override public void line(String line) { sink.accept(line); }
        };
    }

    /** A trace that keeps only a 64-bit digest of the lines: compare runs without storing them. */
    static Digest digest() {
        return new Digest();
    }

    /** The disabled trace. */
    final class Off implements Trace {
        private static final Off INSTANCE = new Off();

        private Off() {}

        @Override public boolean enabled() { return false; }
        @Override public void line(String line) {}
    }

    /** Keeps every line. */
    final class Recording implements Trace {
        private final List<String> lines = new ArrayList<>();

        @Override public boolean enabled() { return true; }
        @Override public void line(String line) { lines.add(line); }

        /** The lines so far, oldest first. */
        public List<String> lines() {
            return Collections.unmodifiableList(lines);
        }

        /** The lines joined with newlines, ending with one. */
        public String text() {
            StringBuilder text = new StringBuilder();
            for (String line : lines) {
                text.append(line).append('\n');
            }
            return text.toString();
        }
    }

    /** Folds every character of every line into a 64-bit FNV-1a digest. */
    final class Digest implements Trace {
        private long digest = 0xcbf29ce484222325L;
        private long lineCount;

        @Override public boolean enabled() { return true; }

        @Override
        public void line(String line) {
            long hash = digest;
            for (int i = 0; i < line.length(); i++) {
                hash = (hash ^ line.charAt(i)) * 0x100000001b3L;
            }
            digest = (hash ^ '\n') * 0x100000001b3L;
            lineCount++;
        }

        public long digest() { return digest; }

        public long lineCount() { return lineCount; }
    }
}
