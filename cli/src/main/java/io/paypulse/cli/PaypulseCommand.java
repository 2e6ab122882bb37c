package io.paypulse.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** The {@code ./paypulse} entry point: one binary, a subcommand per job. */
@Command(name = "paypulse",
        mixinStandardHelpOptions = true,
        version = "paypulse 0.1.0",
        description = "Real-time financial health for businesses that take payments through Stripe.",
        subcommands = {
                RunCommand.class,
                BridgeCommand.class,
                JobCommand.class,
                SimulateCommand.class,
                MigrateCommand.class,
                DetectCommand.class,
                BenchCommand.class,
                CommandLine.HelpCommand.class
        })
public final class PaypulseCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Log levels {@code PAYPULSE_LOG_LEVEL} may name (log4j's, any case). */
    static final List<String> LOG_LEVELS = List.of("OFF", "FATAL", "ERROR", "WARN", "INFO", "DEBUG", "TRACE", "ALL");

    public static void main(String[] args) {
        // Before any logger exists: log4j would print a stack trace for an unknown level, then ignore it.
        String problem = logLevelProblem(System.getenv("PAYPULSE_LOG_LEVEL"));
        if (problem != null) {
            System.err.println("paypulse: " + problem);
            System.exit(2);
        }
        System.exit(commandLine().execute(args));
    }

    /** What is wrong with {@code value} as {@code PAYPULSE_LOG_LEVEL}, or null when it is unset or a level. */
    static String logLevelProblem(String value) {
        if (value == null || value.isBlank() || LOG_LEVELS.contains(value.strip().toUpperCase(Locale.ROOT))) {
            return null;
        }
        return "PAYPULSE_LOG_LEVEL=" + value + " is not a log level: use ERROR, WARN, INFO (the default), DEBUG or TRACE";
    }

    /** The configured command line, shared by {@link #main} and tests. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new PaypulseCommand());
        // A person reads this: one line saying what went wrong and what to do, never a stack trace.
        // A mistyped option: the error and where to look, not 50 lines of usage that scroll it away.
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine commandLine = e.getCommandLine();
            PrintWriter err = commandLine.getErr();
            err.println("paypulse " + commandLine.getCommandName() + ": " + e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
            err.println("see ./" + commandLine.getCommandSpec().qualifiedName(" ") + " --help");
            return commandLine.getCommandSpec().exitCodeOnInvalidInput();
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("paypulse " + commandLine.getCommandName() + ": " + describe(e));
            return 1;
        });
        return cli;
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
            return message;
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
