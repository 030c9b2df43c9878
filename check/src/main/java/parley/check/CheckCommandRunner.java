package parley.check;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * What {@code parley check FILE...} does, without the command-line parsing: read each history,
 * check it, print one report per file, and return the exit code (see {@link CheckReport}).
 *
 * <p>A malformed or unreadable file prints {@code error: FILE:LINE: reason} (or
 * {@code error: FILE: reason}) to the error stream and produces no report line; the run goes on with
 * the other files and exits 2.
 */
public final class CheckCommandRunner {
    /** The file name that means standard input. */
    public static final String STDIN = "-";

    private CheckCommandRunner() {}

    /**
     * Checks {@code files} and returns the exit code: 0 all linearizable, 1 some not, 3 some
     * unknown (and none proven not linearizable), 2 some malformed or unreadable.
     *
     * @param files history files, in report order; {@code -} is standard input
     * @param json one JSON object per file instead of the human report
     * @param timeBudgetMs time budget per file
     * @param memoryBudgetEntries memoized search states allowed per key
     * @param out where reports go
     * @param err where {@code error: FILE:LINE: reason} lines go
     * @return the exit code
     */
    public static int run(List<String> files, boolean json, long timeBudgetMs, long memoryBudgetEntries, PrintStream out, PrintStream err) {
        return run(files, json, new CheckBudget(timeBudgetMs, memoryBudgetEntries), System.in, System::nanoTime, out, err);
    }

    /**
     * Like {@link #run(List, boolean, long, long, PrintStream, PrintStream)}, with the budget, the
     * standard input and the clock injected (for tests and embedding).
     */
    public static int run(List<String> files, boolean json, CheckBudget budget, InputStream stdin, LongSupplier nanoClock,
            PrintStream out, PrintStream err) {
        if (files.isEmpty()) {
            err.println("error: no history files given");
            return CheckReport.EXIT_MALFORMED;
        }
        LinearizabilityChecker checker = new LinearizabilityChecker(budget, nanoClock);
        List<CheckResult> results = new ArrayList<>();
        boolean anyMalformed = false;
        for (String file : files) {
            History history = read(file, stdin, err);
            if (history == null) {
                anyMalformed = true;
                continue;
            }
            CheckResult result = checker.check(history);
            results.add(result);
            if (json) {
                out.println(CheckReport.json(result));
            } else {
                CheckReport.humanLines(result).forEach(out::println);
            }
            out.flush();
        }
        return CheckReport.exitCode(results, anyMalformed);
    }

    /** The history in {@code file}, or null after printing why it cannot be read. */
    private static History read(String file, InputStream stdin, PrintStream err) {
        try {
            return STDIN.equals(file) ? HistoryReader.read(stdin, HistoryReader.STDIN_NAME) : HistoryReader.read(Path.of(file));
        } catch (HistoryFormatException e) {
            err.println("error: " + e.getMessage());
        } catch (NoSuchFileException e) {
            err.println("error: " + file + ": no such file");
        } catch (IOException | InvalidPathException e) {
            err.println("error: " + file + ": cannot read: " + e.getMessage());
        }
        return null;
    }
}
