package org.striate.spark;

import java.io.Serializable;

/**
 * What one barrier task reports after an epoch: its replica's hash, the epoch's figures (the same on
 * every rank, from the all-gathered counts), where its time went, and, from rank 0 only, the state to
 * checkpoint. {@code divergedStep} is the step (from 1) whose loss was not finite, or 0.
 */
record EpochResult(int rank, int stageAttempt, String hash, int samples, int correct, double lossSum, int divergedStep,
                   double computeSeconds, double allReduceSeconds, double optimizerSeconds, byte[] model, byte[] optimizer)
        implements Serializable {}
