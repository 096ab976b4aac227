package org.striate.train;

import org.striate.StriateException;

/** A checkpoint offered to a run it does not belong to: another model, other data or other options. */
public class CheckpointMismatchException extends StriateException {
    public CheckpointMismatchException(String message) { super(message); }
}
