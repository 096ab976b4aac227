package org.striate.io;

import org.striate.StriateException;

/**
 * A path Striate was asked to write that it must not or cannot: an existing device, directory or
 * other non-regular file, or a path under something that is not a directory. Checked before any
 * work is done, so a long run never ends in a failed save.
 */
public class OutputPathException extends StriateException {
    public OutputPathException(String message) { super(message); }
}
