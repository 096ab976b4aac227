package org.striate.cli.lab;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.striate.cli.Striate;
import picocli.CommandLine;

/** Runs the striate command line in-process and captures exit code, stdout and stderr. */
record LabCli(int code, String out, String err) {

    static LabCli run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Striate.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new LabCli(code, out.toString(), err.toString());
    }

    @Override
    public String toString() { return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err; }
}
