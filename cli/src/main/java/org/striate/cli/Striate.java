package org.striate.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The root {@code striate} command. Every subcommand is listed here, in one place: add a class to
 * {@code subcommands} to register it.
 */
@Command(name = "striate",
        mixinStandardHelpOptions = true,
        versionProvider = Striate.Version.class,
        description = "Convolutional neural networks in pure Java: train, evaluate, predict, summarise, benchmark.",
        subcommands = {
                CommandLine.HelpCommand.class,
                TrainCommand.class,
                EvalCommand.class,
                PredictCommand.class,
                SummaryCommand.class,
                BenchCommand.class,
                ImportCommand.class,
                ExportCommand.class,
                org.striate.cli.lab.LabCommand.class,
                org.striate.cli.report.ReportCommand.class,
        })
public final class Striate implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Without a subcommand: print the usage and fail as invalid input. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand. Expected one of "
                + String.join(", ", spec.subcommands().keySet()) + ".");
    }

    /** The command line with Striate's error handling: one line on stderr, exit code 2 for bad input. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Striate());
        // descriptions are written a sentence per line of up to ~115 characters: at picocli's
        // default of 80 columns they broke mid-sentence
        cl.setUsageHelpWidth(120);
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            String message = Failures.oneLine(ex.getMessage());
            if (!message.endsWith(".")) message += ".";
            c.getErr().println(c.getCommandSpec().qualifiedName() + ": " + message
                    + " See '" + c.getCommandSpec().qualifiedName() + " --help'.");
            c.getErr().flush();
            return ExitCode.INVALID_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, c, parseResult) ->
                Failures.report(ex, c.getCommandSpec().qualifiedName(), c.getErr(), false));
        return cl;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Striate.class.getPackage().getImplementationVersion();
            return new String[] {"striate " + (v == null ? "development build" : v)};
        }
    }
}
