package org.striate.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.striate.kernels.Kernels;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Base of every subcommand. {@link #run()} does the work; {@link #call()} maps what it throws to an
 * exit code and ONE line on stderr: a {@link org.striate.StriateException} (the caller's input) gives
 * {@link ExitCode#INVALID_INPUT}, anything else {@link ExitCode#FAILURE}. Stack traces only with --verbose.
 */
public abstract class StriateCommand implements Callable<Integer> {

    @Spec
    protected CommandSpec spec;

    @Option(names = "--verbose", description = "Print the kernels in use and, on failure, the stack trace.")
    protected boolean verbose;

    /** Does the work; returns an exit code from {@link ExitCode}. */
    protected abstract int run() throws Exception;

    /** The --threads/--kernels options of commands that run a model, applied before {@link #run()}; null otherwise. */
    protected KernelOptions kernelOptions() { return null; }

    @Override
    public final Integer call() {
        try {
            KernelOptions k = kernelOptions();
            if (k != null) k.apply();
            if (verbose) {
                String why = org.striate.kernels.KernelProvider.fallbackReason();
                err().println("kernels: " + Kernels.get().name() + (why == null ? "" : " (" + why + ")"));
            }
            return run();
        } catch (Exception e) {
            return Failures.report(e, commandName(), err(), verbose);
        } catch (OutOfMemoryError e) {
            // the checks before large allocations missed this one: still one line, naming the inputs
            return Failures.report(new org.striate.tensor.TooLargeException(Failures.outOfMemory(e, spec.commandLine().getParseResult().originalArgs())),
                    commandName(), err(), verbose);
        }
    }

    /** "striate train" style name used as the prefix of error lines. */
    protected String commandName() { return spec.qualifiedName(); }

    protected PrintWriter out() { return spec.commandLine().getOut(); }

    protected PrintWriter err() { return spec.commandLine().getErr(); }
}
