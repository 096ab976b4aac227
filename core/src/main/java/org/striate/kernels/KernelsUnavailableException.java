package org.striate.kernels;

import org.striate.StriateException;

/** The kernels asked for cannot be used here (bad --kernels or --threads, or no Vector API). */
public class KernelsUnavailableException extends StriateException {
    public KernelsUnavailableException(String message) { super(message); }
    public KernelsUnavailableException(String message, Throwable cause) { super(message, cause); }
}
