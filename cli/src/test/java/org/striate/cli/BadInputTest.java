package org.striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad input gives exit code 2 and exactly one line on stderr saying what to do. */
class BadInputTest {

    @TempDir
    Path tmp;

    /** One stderr line, no stack trace, containing each of the given fragments. */
    static void assertOneLine(Cli r, String... fragments) {
        assertEquals(ExitCode.INVALID_INPUT, r.code(), r::toString);
        assertEquals(1, r.errLines().length, r::toString);
        String line = r.errLines()[0];
        assertFalse(line.contains("Exception") || line.contains("\tat "), r::toString);
        for (String f : fragments) assertTrue(line.contains(f), () -> "missing '" + f + "' in: " + line);
    }

    @Test
    void unknownModelName() {
        Cli r = Cli.run("summary", "--model", "resnet9000");
        assertOneLine(r, "resnet9000", "fashion-cnn", "spec file");
    }

    @Test
    void malformedSpecLineNamesFileAndLine() throws Exception {
        Path spec = tmp.resolve("bad.spec");
        Files.writeString(spec, "input 1x28x28\nconv 32 3x3 pad=same\nconv thirty-two 3x3\n");
        Cli r = Cli.run("summary", "--model", spec.toString());
        assertOneLine(r, spec.toString(), "line 3", "filters");
    }

    @Test
    void unknownOption() {
        Cli r = Cli.run("summary", "--model", "lenet5", "--colour");
        assertOneLine(r, "--colour", "--help");
    }

    @Test
    void missingSubcommand() {
        Cli r = Cli.run();
        assertOneLine(r, "summary");
    }

    @Test
    void badInputShape() {
        Cli r = Cli.run("summary", "--model", "mlp", "--input", "1x0x28");
        assertOneLine(r, "--input", "1x0x28");
    }
}
