package org.striate.spark;

import org.striate.StriateException;

/** A DataFrame, option or cluster setting that Striate cannot work with; the message says what to change. */
public class SparkInputException extends StriateException {
    public SparkInputException(String message) { super(message); }
    public SparkInputException(String message, Throwable cause) { super(message, cause); }
}
