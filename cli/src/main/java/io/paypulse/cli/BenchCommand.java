package io.paypulse.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code paypulse bench}: reproducible performance measurements, one subcommand per component. */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        description = "Measure a component on this machine. Results go to stdout; record them in docs/benchmarks.md.",
        subcommands = {BridgeBenchCommand.class, JobBenchCommand.class, DetectorBenchCommand.class})
final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
