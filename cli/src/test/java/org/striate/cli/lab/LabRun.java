package org.striate.cli.lab;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import picocli.CommandLine;

/** Runs one lab command in-process and captures exit code and output. */
record LabRun(int code, String out, String err) {

    static LabRun run(Object command, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new LabRun(code, out.toString(), err.toString());
    }

    static Path writeIdx(Path dir, int train, int test) throws IOException { return GeneratedIdx.write(dir, train, test); }

    @Override
    public String toString() { return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err; }
}
