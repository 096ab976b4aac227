package org.striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("total") && l.contains("2,610")), r::toString);
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
        assertTrue(j.contains("\"name\":\"conv2d_1\",\"type\":\"Conv2d\",\"output_shape\":[4,6,6],\"params\":76,\"macs\":2592"), j);
        assertTrue(j.contains("\"total_params\":1526"), j);
    }

    @Test
    void everyCommandHasHelp() {
        for (String c : new String[] {"train", "eval", "predict", "summary"}) {
            Cli r = Cli.run(c, "--help");
            assertEquals(0, r.code(), r::toString);
            assertTrue(r.out().startsWith("Usage: striate " + c) && r.out().contains("Examples:"), r::toString);
        }
    }

    @TempDir
    Path tmp;
}
