package parley.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code parley} command line. Each subcommand is a small class; this one only wires them up and
 * makes every user mistake end in one clear line and exit code 2, never a stack trace.
 */
@Command(
        name = "parley",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Parley: a distributed data store whose protocols you can watch fail.",
        subcommands = {SimCommand.class, CheckCommand.class, BenchCommand.class, ServerCommand.class, DevCommand.class, KvCommand.class, KeyspaceCommand.class, ClusterCommand.class, TortureCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** Exit code for bad flags, bad input files and impossible configurations. */
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        // One line per log record (java.util.logging's default takes two), unless the user chose a format.
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$s %3$s: %5$s%6$s%n");
        }
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (tests call this). */
    public static int execute(String... args) {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setParameterExceptionHandler(Main::onBadParameters);
        commandLine.setExecutionExceptionHandler(Main::onExecutionError);
        return commandLine.execute(args);
    }

    private static int onBadParameters(CommandLine.ParameterException e, String[] args) {
        CommandLine failed = e.getCommandLine();
        failed.getErr().println("parley: error: " + e.getMessage()
                + " (see 'parley " + failed.getCommandSpec().qualifiedName(" ").replaceFirst("^parley ?", "")
                + (failed.getCommandSpec().qualifiedName().equals("parley") ? "" : " ") + "--help')");
        return EXIT_USAGE;
    }

    private static int onExecutionError(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult)
            throws Exception {
        if (e instanceof UserError userError) {
            commandLine.getErr().println("parley: error: " + userError.getMessage());
            return EXIT_USAGE;
        }
        throw e;
    }

    /** Reports the version from the jar manifest when there is one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"parley " + (version == null ? "0.1.0-SNAPSHOT" : version)};
        }
    }
}
