package org.striate.cli;

import org.striate.kernels.KernelProvider;
import org.striate.kernels.Kernels;
import picocli.CommandLine.Option;

/** --threads and --kernels, shared by every command that runs a model. */
public final class KernelOptions {

    @Option(names = "--threads", paramLabel = "T",
            description = "Threads for the kernels (default: all available processors).")
    Integer threads;

    @Option(names = "--kernels", paramLabel = "KIND", defaultValue = "auto",
            description = "auto (SIMD when the JVM offers the Vector API, else scalar), simd or scalar. Default: ${DEFAULT-VALUE}.")
    String kind;

    /** Chooses the kernels for this JVM; an impossible choice is reported as invalid input. */
    public Kernels apply() {
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        return KernelProvider.configure(kind, t);
    }
}
