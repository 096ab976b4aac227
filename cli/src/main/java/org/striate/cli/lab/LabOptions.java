package org.striate.cli.lab;

import org.striate.StriateException;
import org.striate.data.Augmentation;
import org.striate.lab.FairTraining;
import org.striate.lab.LabTraining;

/** Checks the options the training lab commands share. */
final class LabOptions {
    private LabOptions() {}

    /** What --training says: the command's fixed schedule, or {@link FairTraining} with its defaults. */
    static final String TRAINING_HELP = "fixed: the epochs given, Adam at 0.001; fair: a 20%% validation split, Adam at 0.001 and 0.003 "
            + "each trained until the validation loss stops improving for 3 epochs (at most 30), the better rate and its best epoch kept "
            + "(default: ${DEFAULT-VALUE}).";

    static LabTraining training(String kind, LabTraining fixed, Augmentation augmentation) {
        return switch (kind) {
            case "fixed" -> fixed;
            case "fair" -> new FairTraining(FairTraining.Options.defaults().withAugmentation(augmentation));
            default -> throw new StriateException("Invalid value for option '--training'. Expected fixed or fair. Received '" + kind + "'.");
        };
    }

    static void checkSeeds(int seeds) {
        if (seeds <= 0) {
            throw new StriateException("Invalid value for option '--seeds'. Expected a strictly positive number of runs (5 or more for an "
                    + "interval worth reading). Received " + seeds + ".");
        }
    }
}
