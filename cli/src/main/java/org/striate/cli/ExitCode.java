package org.striate.cli;

/** The exit codes of every {@code striate} command. */
public final class ExitCode {
    private ExitCode() {}

    /** The command did what was asked. */
    public static final int OK = 0;
    /** Something went wrong that is not the caller's fault (a bug, a full disk, an interrupted run). */
    public static final int FAILURE = 1;
    /** The caller's input cannot be used: a bad option, a missing or corrupt file, an unknown model. */
    public static final int INVALID_INPUT = 2;
}
