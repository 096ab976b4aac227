package org.striate.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every help text of every command is a format string (picocli expands %n in it): a bare '%' such as
 * "10% of the data" makes --help print a warning and the raw text. Each must format.
 */
class HelpTextTest {

    @Test
    void everyDescriptionFormats() {
        List<String> bad = new ArrayList<>();
        check(Striate.commandLine(), bad);
        assertTrue(bad.isEmpty(), "help text with an unescaped '%' (write %%): " + bad);
    }

    /** picocli reports a text it cannot format on stderr while rendering the help, then prints it raw. */
    private static void check(CommandLine cl, List<String> bad) {
        java.io.PrintStream saved = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            cl.getUsageMessage();
        } finally {
            System.setErr(saved);
        }
        String warnings = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
        if (warnings.contains("Could not format")) bad.add(cl.getCommandSpec().qualifiedName() + ": " + warnings.strip());
        for (CommandLine sub : cl.getSubcommands().values()) check(sub, bad);
    }
}
