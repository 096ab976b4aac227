package org.striate.cli.lab;

import org.striate.StriateException;

/** Checks the options the training lab commands share. */
final class LabOptions {
    private LabOptions() {}

    static void checkSeeds(int seeds) {
        if (seeds <= 0) {
            throw new StriateException("Invalid value for option '--seeds'. Expected a strictly positive number of runs (5 or more for an "
                    + "interval worth reading). Received " + seeds + ".");
        }
    }
}
