package parley.cli;

import java.util.List;
import java.util.concurrent.Callable;
import parley.check.CheckCommandRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code parley check FILE...}: judges recorded histories for linearizability. */
@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        description = {
            "Checks operation histories (JSON lines, see docs/checker.md) for linearizability.",
            "Exit 0: all linearizable; 1: some are not; 3: a budget ran out (unknown); 2: malformed input."
        })
final class CheckCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "History files; '-' reads standard input.")
    List<String> files;

    @Option(names = "--json", description = "One JSON object per file instead of a text line.")
    boolean json;

    @Option(names = "--time-budget-ms", defaultValue = "60000", description = "Give up on a file after this long (default ${DEFAULT-VALUE}); verdict 'unknown'.")
    long timeBudgetMs;

    @Option(names = "--memory-budget-states", defaultValue = "5000000", description = "Give up on a key after memoizing this many search states (default ${DEFAULT-VALUE}); verdict 'unknown'.")
    long memoryBudgetStates;

    @Override
    public Integer call() {
        if (timeBudgetMs <= 0) throw new UserError("--time-budget-ms must be positive, got " + timeBudgetMs);
        if (memoryBudgetStates <= 0) throw new UserError("--memory-budget-states must be positive, got " + memoryBudgetStates);
        return CheckCommandRunner.run(files, json, timeBudgetMs, memoryBudgetStates, System.out, System.err);
    }
}
