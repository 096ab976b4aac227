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

    /** The line for an OutOfMemoryError: the inputs of the command were too large for the heap (or, for threads, the system). */
    static String outOfMemory(OutOfMemoryError e, java.util.List<String> args) {
        String what = String.join(" ", args);
        if (String.valueOf(e.getMessage()).contains("native thread")) {
            return "The system refused to start another thread for '" + what + "' (" + e.getMessage() + "). Expected fewer --threads.";
        }
        return "Ran out of memory for '" + what + "': the model, batch or data given need more than this JVM may use ("
                + org.striate.tensor.Memory.human(Runtime.getRuntime().maxMemory()) + "). Expected a smaller model, batch or input;"
                + " or give Java more memory (e.g. JAVA_TOOL_OPTIONS=-Xmx16g).";
    }

    /** Errors are one line: a multi-line message is joined so scripts can grep it. */
    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
