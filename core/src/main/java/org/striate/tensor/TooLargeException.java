package org.striate.tensor;

import org.striate.StriateException;

/** An input (a model, a data file, a batch) that would need more memory than the JVM may use. */
public class TooLargeException extends StriateException {
    public TooLargeException(String message) { super(message); }
}
