package org.striate.tensor;

import org.striate.StriateException;

/** A tensor or layer received a shape it cannot work with. The message names the layer and both shapes. */
public class ShapeException extends StriateException {
    public ShapeException(String message) { super(message); }
}
