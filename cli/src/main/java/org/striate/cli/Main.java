package org.striate.cli;

/** Entry point of the {@code striate} command: builds the command line and exits with its result. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(Striate.commandLine().execute(args));
    }
}
