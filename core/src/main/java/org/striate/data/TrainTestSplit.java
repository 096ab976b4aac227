package org.striate.data;

/** A data set's official training and test parts; both share the class names. */
public record TrainTestSplit(Dataset train, Dataset test) {}
