package org.striate.onnx;

import org.striate.StriateException;

/**
 * An ONNX file that cannot be read or imported: truncated or damaged protobuf, a model this reader
 * cannot map (unsupported operators, listed all at once), weights missing or outside the model's
 * folder. The message names the file and says what is wrong and what to do.
 */
public class OnnxFormatException extends StriateException {
    public OnnxFormatException(String message) { super(message); }
    public OnnxFormatException(String message, Throwable cause) { super(message, cause); }
}
