package io.paypulse.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

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

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by {@link #main} and tests. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new PaypulseCommand());
        // A person reads this: one line saying what went wrong and what to do, never a stack trace.
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
