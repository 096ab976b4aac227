package org.striate.cli.lab;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code striate lab}: experiments that measure why convolutional networks work. One class per experiment. */
@Command(name = "lab",
        mixinStandardHelpOptions = true,
        description = "Experiments that measure why CNNs work: receptive fields, filters, feature maps, sparsity and sharing.",
        subcommands = {
                EdgesCommand.class,
                FiltersCommand.class,
                FeatureMapsCommand.class,
                ConvAsDenseCommand.class,
                EquivarianceCommand.class,
                InvarianceCommand.class,
                EfficiencyCommand.class,
                PositionCommand.class,
                ClaimsCommand.class,
        })
public final class LabCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Without an experiment: say which exist and fail as invalid input. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing experiment. Expected one of "
                + String.join(", ", spec.subcommands().keySet()) + ".");
    }
}
