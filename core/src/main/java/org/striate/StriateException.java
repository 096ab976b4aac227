package org.striate;

/**
 * Base of every error Striate reports about the caller's input: a bad argument, an impossible shape,
 * a corrupt file. Messages follow one pattern: what is wrong, what was expected, what was received.
 * The command line turns any of these into one line on stderr and exit code 2.
 */
public class StriateException extends RuntimeException {
    public StriateException(String message) { super(message); }
    public StriateException(String message, Throwable cause) { super(message, cause); }
}
