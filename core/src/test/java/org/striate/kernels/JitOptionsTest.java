package org.striate.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tests run with the JIT options of jit.options, the one list the launcher, Spark's JVMs and JMH's
 * forks read too: a kernel test that passes only without them (or only with them) would say nothing
 * about the JVM users run. The surefire argLine passes the file; this checks that each option took, and
 * that README.md's copy of the list is the file's.
 */
class JitOptionsTest {

    /** The options of jit.options (the java launcher's argument-file syntax: '#' starts a comment). */
    static List<String> options() throws IOException {
        Path file = Path.of("..", "jit.options");
        assertTrue(Files.isRegularFile(file), "expected jit.options at the project root, beside the module folders");
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            int hash = line.indexOf('#');
            for (String word : (hash >= 0 ? line.substring(0, hash) : line).trim().split("\\s+")) {
                if (!word.isEmpty()) out.add(word);
            }
        }
        return out;
    }

    @Test
    void everyOptionOfTheFileIsInEffectInThisJvm() throws IOException {
        List<String> options = options();
        assertFalse(options.isEmpty(), "jit.options lists no option");
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        for (String option : options) {
            assertTrue(option.startsWith("-XX:"), "expected -XX:Name=value, -XX:+Name or -XX:-Name, got " + option);
            String flag = option.substring(4);
            boolean onOff = flag.startsWith("+") || flag.startsWith("-");
            String name = onOff ? flag.substring(1) : flag.substring(0, flag.indexOf('='));
            String value = onOff ? String.valueOf(flag.startsWith("+")) : flag.substring(flag.indexOf('=') + 1);
            String actual = vm.getVMOption(name).getValue();
            // doubles print as 0.200000
            if (value.contains(".")) assertEquals(Double.parseDouble(value), Double.parseDouble(actual), 1e-9, name);
            else assertEquals(value, actual, name);
        }
    }

    /** README.md writes the list out for those who cannot pass the file: it must be the file's. */
    @Test
    void theReadmeListsTheSameOptions() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        String lead = "or copy them: `";
        int at = readme.indexOf(lead);
        assertTrue(at >= 0, "expected README.md to list the options after '" + lead + "'");
        int from = at + lead.length(), to = readme.indexOf('`', from);
        assertEquals(options(), List.of(readme.substring(from, to).trim().split("\\s+")));
    }
}
