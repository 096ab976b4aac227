package org.striate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import org.striate.StriateException;

/** Turns an exception into one line on stderr and an exit code. */
final class Failures {
    private Failures() {}

    static int report(Throwable e, String command, PrintWriter err, boolean verbose) {
        Throwable cause = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
        int code;
        String message;
        if (cause instanceof StriateException) {
            code = ExitCode.INVALID_INPUT;
            message = cause.getMessage();
        } else if (cause instanceof NoSuchFileException) {
            code = ExitCode.INVALID_INPUT;
            message = "File " + cause.getMessage() + " does not exist. Check the path.";
        } else if (cause instanceof AccessDeniedException) {
            code = ExitCode.INVALID_INPUT;
            message = "File " + cause.getMessage() + " cannot be read. Check its permissions.";
        } else if (cause instanceof IOException) {
            code = ExitCode.FAILURE;
            message = "I/O error: " + cause.getMessage();
        } else {
            code = ExitCode.FAILURE;
            message = "internal error: " + cause + " (run again with --verbose for the stack trace)";
        }
        err.println(command + ": " + oneLine(message));
        if (verbose) e.printStackTrace(err);
        err.flush();
        return code;
    }

    /** Errors are one line: a multi-line message is joined so scripts can grep it. */
    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
