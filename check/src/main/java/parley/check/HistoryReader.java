package parley.check;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a history in the JSON-lines format (Jepsen's operation model): one object per line with
 * {@code process}, {@code type} ({@code invoke|ok|fail|info}), {@code f}
 * ({@code read|write|cas|append}), {@code key}, {@code value} and an optional {@code time} in
 * nanoseconds; later lines happened later. Blank lines are skipped but still counted, so error
 * positions match what an editor shows.
 *
 * <p>Every problem (bad JSON, missing or unknown field, unknown {@code type} or {@code f}, a
 * completion with no outstanding invoke, a second invoke while one is outstanding, a {@code cas}
 * value that is not a two-element array, ...) is reported as a {@link HistoryFormatException}
 * naming the file and the 1-based line.
 */
public final class HistoryReader {
    /** Display name used for standard input. */
    public static final String STDIN_NAME = "<stdin>";

    private HistoryReader() {}

    /** Reads the history in {@code path}; its display name is the path as given. */
    public static History read(Path path) throws IOException, HistoryFormatException {
        try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            return read(reader, path.toString());
        }
    }

    /** Reads a history from {@code in} (UTF-8), naming it {@code displayName} in errors. */
    public static History read(InputStream in, String displayName) throws IOException, HistoryFormatException {
        return read(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), displayName);
    }

    /** Reads a history from {@code reader}, naming it {@code displayName} in errors. */
    public static History read(Reader reader, String displayName) throws IOException, HistoryFormatException {
        BufferedReader lines = reader instanceof BufferedReader buffered ? buffered : new BufferedReader(reader);
        OperationPairer pairer = new OperationPairer(displayName);
        long lineNumber = 0;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            Event event;
            try {
                event = EventCodec.parse(line);
            } catch (EventCodec.LineProblem problem) {
                throw new HistoryFormatException(displayName, lineNumber, problem.getMessage());
            }
            pairer.accept(event, lineNumber);
        }
        return new History(displayName, pairer.finish());
    }
}
