package org.striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SummaryCommandTest {

    @Test
    void specFileTableListsEveryLayerAndTotals() throws Exception {
        Path spec = tmp.resolve("small.spec");
        Files.writeString(spec, "input 1x8x8\nconv 4 3x3 pad=same\nrelu\nflatten\ndense 10\n");
        Cli r = Cli.run("summary", "--model", spec.toString());
        assertEquals(0, r.code(), r::toString);
        // conv: 4·1·9 + 4 = 40 params, 4·8·8·9 = 2304 MACs; dense: 256·10 + 10 = 2570 params
        assertTrue(r.out().contains("conv2d_1") && r.out().contains("4x8x8") && r.out().contains("2,304"), r::toString);
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("total") && l.contains("2,610") && l.contains("4,864")), r::toString);
    }

    @Test
    void jsonHasLayersAndTotalParams() throws Exception {
        Path spec = tmp.resolve("small.spec");
        Files.writeString(spec, "input 1x8x8\nconv 4 3x3 pad=same\nrelu\nflatten\ndense 10\n");
        Cli r = Cli.run("summary", "--model", spec.toString(), "--input", "2x6x6", "--json");
        assertEquals(0, r.code(), r::toString);
        String j = r.out().trim();
        assertTrue(j.startsWith("{") && j.endsWith("}") && j.lines().count() == 1, j);
        // with 2 input channels on 6x6: conv 4·2·9 + 4 = 76, dense 144·10 + 10 = 1450
        assertTrue(j.contains("\"name\":\"conv2d_1\",\"type\":\"Conv2d\",\"inputs\":[\"input\"],\"output_shape\":[4,6,6],\"params\":76,\"macs\":2592"), j);
        assertTrue(j.contains("\"total_params\":1526"), j);
        assertTrue(j.contains("\"total_macs\":4032"), j); // 2592 + 144·10
    }

    @Test
    void everyCommandHasHelp() {
        for (String c : new String[] {"train", "eval", "predict", "summary"}) {
            Cli r = Cli.run(c, "--help");
            assertEquals(0, r.code(), r::toString);
            assertTrue(r.out().startsWith("Usage: striate " + c) && r.out().contains("Examples:"), r::toString);
        }
    }

    /** Every command and lab subcommand: --help exits 0 and prints its usage line and a description of what it does. */
    @Test
    void everyCommandAndSubcommandHasMeaningfulHelp() {
        java.util.List<String> paths = new java.util.ArrayList<>();
        collect(Striate.commandLine(), "", paths);
        assertTrue(paths.size() >= 14, paths::toString);
        for (String path : paths) {
            String[] args = (path + " --help").trim().split(" ");
            Cli r = Cli.run(args);
            assertEquals(0, r.code(), r::toString);
            String[] lines = r.out().split("\\R");
            assertTrue(lines[0].startsWith("Usage: striate " + path), r::toString);
            // the line after the usage block describes the command in words
            String description = java.util.Arrays.stream(lines).skip(1).filter(l -> !l.isBlank() && !l.startsWith(" ")).findFirst().orElse("");
            assertTrue(description.split("\\s+").length >= 4, () -> "striate " + path + " --help has no description:\n" + r.out());
            assertTrue(r.out().contains("-h, --help"), r::toString);
        }
    }

    /**
     * picocli formats help text with String.format: a bare '%' (as in "10% for validation") makes it
     * print a warning to stderr and show the text unformatted, so every '%' must be written "%%".
     */
    @Test
    void helpTextFormatsWithoutWarnings() {
        java.util.List<picocli.CommandLine> all = new java.util.ArrayList<>();
        all.add(Striate.commandLine());
        for (int i = 0; i < all.size(); i++) all.addAll(all.get(i).getSubcommands().values());
        java.io.ByteArrayOutputStream warnings = new java.io.ByteArrayOutputStream();
        java.io.PrintStream stderr = System.err;
        System.setErr(new java.io.PrintStream(warnings, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            // picocli's warnings go to System.err as it is when the help is rendered
            for (picocli.CommandLine cl : all) cl.usage(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        } finally {
            System.setErr(stderr);
        }
        String text = warnings.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertFalse(text.contains("picocli WARN"), text);
    }

    private static void collect(picocli.CommandLine cl, String prefix, java.util.List<String> out) {
        for (var e : cl.getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) continue;
            String path = (prefix + " " + e.getKey()).trim();
            out.add(path);
            collect(e.getValue(), path, out);
        }
    }

    @TempDir
    Path tmp;

    @Test
    void aGraphModelPrintsEachNodeWithItsInputs() {
        Cli r = Cli.run("summary", "--model", "resnet8");
        assertEquals(0, r.code(), r::toString);
        String add = r.out().lines().filter(l -> l.startsWith("add_1 ")).findFirst().orElseThrow();
        assertTrue(add.contains("res1,stem") && add.contains("32x28x28"), add);
        String shortcut = r.out().lines().filter(l -> l.startsWith("conv2d_6 ")).findFirst().orElseThrow();
        assertTrue(shortcut.contains("block1") && shortcut.contains("64x14x14"), shortcut);
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("total") && l.contains("308,746")), r::toString);
    }

    @Test
    void theHelpListsEveryBuiltInModel() {
        assertEquals(String.join(", ", org.striate.nn.Zoo.names()), ModelSource.BUILT_IN);
    }
}
