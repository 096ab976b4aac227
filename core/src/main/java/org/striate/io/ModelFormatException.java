package org.striate.io;

import org.striate.StriateException;

/**
 * A model file that cannot be loaded: missing, not a Striate model, truncated, damaged (checksum
 * mismatch), from a newer format version, or describing a model this version cannot build. The
 * message names the file, says what is wrong and what to do.
 */
public class ModelFormatException extends StriateException {
    public ModelFormatException(String message) { super(message); }
    public ModelFormatException(String message, Throwable cause) { super(message, cause); }
}
