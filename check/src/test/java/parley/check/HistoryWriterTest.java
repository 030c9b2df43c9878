package parley.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Writing histories: the exact line format, round trips, and the process-model checks. */
class HistoryWriterTest {

    @Test
    void writesTheDocumentedFormat() {
        StringWriter text = new StringWriter();
        try (HistoryWriter writer = new HistoryWriter(text)) {
            writer.invoke(3, Action.CAS, "r", Value.pair(Value.of(1), Value.of("two")), 100);
            writer.complete(3, Outcome.FAIL, Action.CAS, "r", Value.pair(Value.of(1), Value.of("two")), 250);
            writer.invoke(4, Action.READ, "quote\"d", Value.NULL);
            writer.complete(4, Outcome.OK, Action.READ, "quote\"d", Value.NULL);
        }
        assertEquals(List.of(
                "{\"process\": 3, \"type\": \"invoke\", \"f\": \"cas\", \"key\": \"r\", \"value\": [1, \"two\"], \"time\": 100}",
                "{\"process\": 3, \"type\": \"fail\", \"f\": \"cas\", \"key\": \"r\", \"value\": [1, \"two\"], \"time\": 250}",
                "{\"process\": 4, \"type\": \"invoke\", \"f\": \"read\", \"key\": \"quote\\\"d\", \"value\": null}",
                "{\"process\": 4, \"type\": \"ok\", \"f\": \"read\", \"key\": \"quote\\\"d\", \"value\": null}"),
                text.toString().lines().toList());
    }

    @Test
    void roundTripsThroughTheReader() {
        // Unknown outcomes here never complete: a parsed operation does not keep the line of an info
        // completion, so only histories without them can be re-emitted line for line.
        RandomHistoryGenerator.Config config = new RandomHistoryGenerator.Config(5, 200, 3, 40, 20, 10, 10, 100, 10, 50, 20);
        String text = RandomHistoryGenerator.render(RandomHistoryGenerator.generate(config, 7));
        History history = RandomHistoryGenerator.parse(text, "round-trip");
        assertEquals(200, history.operations().size());
        StringWriter again = new StringWriter();
        try (HistoryWriter writer = new HistoryWriter(again)) {
            writeEvents(history, writer);
        }
        assertEquals(text, again.toString());
        assertEquals(history.operations(), RandomHistoryGenerator.parse(again.toString(), "round-trip").operations());
    }

    /** Re-emits a parsed history's events in line order. */
    private static void writeEvents(History history, HistoryWriter writer) {
        record Line(long line, Operation op, boolean invoke) {}
        List<Line> lines = new java.util.ArrayList<>();
        for (Operation op : history.operations()) {
            lines.add(new Line(op.invokeLine(), op, true));
            if (op.completeLine() != Operation.UNBOUNDED) {
                lines.add(new Line(op.completeLine(), op, false));
            }
        }
        lines.sort(java.util.Comparator.comparingLong(Line::line));
        for (Line line : lines) {
            Operation op = line.op();
            if (line.invoke()) {
                writer.invoke(op.process(), op.action(), op.key(), op.input(), op.invokeTimeNs());
            } else {
                writer.complete(op.process(), op.outcome(), op.action(), op.key(), op.action() == Action.READ ? op.output() : op.input(), op.completeTimeNs());
            }
        }
    }

    @Test
    void refusesToBreakTheProcessModel() {
        HistoryWriter writer = new HistoryWriter(new StringWriter());
        writer.invoke(1, Action.WRITE, "k", Value.of(1));
        assertThrows(IllegalStateException.class, () -> writer.invoke(1, Action.READ, "k", Value.NULL));
        assertThrows(IllegalStateException.class, () -> writer.complete(2, Outcome.OK, Action.READ, "k", Value.NULL));
        assertThrows(IllegalStateException.class, () -> writer.invoke(3, Action.CAS, "k", Value.of(1)));
    }

    @Test
    void refusesTimeGoingBackwards() {
        HistoryWriter writer = new HistoryWriter(new StringWriter());
        writer.invoke(1, Action.WRITE, "k", Value.of(1), 100);
        assertThrows(IllegalStateException.class, () -> writer.complete(1, Outcome.OK, Action.WRITE, "k", Value.of(1), 99));
    }
}
