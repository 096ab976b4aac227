package org.striate.nn;

import org.striate.StriateException;

/** A line of an architecture spec that cannot be read; the message names the source, the line and what to write. */
public class SpecException extends StriateException {
    public SpecException(String message) { super(message); }
    public SpecException(String message, Throwable cause) { super(message, cause); }
}
