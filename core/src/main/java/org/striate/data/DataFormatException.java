package org.striate.data;

import org.striate.StriateException;

/**
 * A data file or folder that cannot be used: missing, truncated, of the wrong kind, or inconsistent
 * with its partner file. The message names the file, says what is wrong and what to do about it.
 */
public class DataFormatException extends StriateException {
    public DataFormatException(String message) { super(message); }
    public DataFormatException(String message, Throwable cause) { super(message, cause); }
}
