package org.striate.cli.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.striate.cli.Striate;
import picocli.CommandLine;

class EquivarianceCommandTest {

    @Test
    void namesThePoolingAfterWhichOnlyMultiplesOfTheStrideStayEquivariant() {
        LabRun r = LabRun.run(new EquivarianceCommand(), "--model", "small-cnn", "--max-shift", "3");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("Zero padding") && r.out().contains("Circular padding"), r.out());
        assertTrue(r.out().contains("From maxpool2d_1 (MaxPool2d, jump 2) on, only shifts that are multiples"), r.out());
    }

    @Test
    void jsonOfAStride1SpecHasZeroCircularErrors(@TempDir Path dir) throws Exception {
        Path spec = Files.writeString(dir.resolve("one.spec"), "input 1x12x12\nconv 2 3x3 pad=same\nrelu\n");
        LabRun r = LabRun.run(new EquivarianceCommand(), "--model", spec.toString(), "--max-shift", "2", "--padding", "circular", "--json");
        assertEquals(0, r.code(), r.toString());
        String json = r.out().trim();
        assertTrue(json.startsWith("{") && json.endsWith("}"), json);
        assertTrue(json.contains("\"padding\":\"circular\""), json);
        assertTrue(json.contains("\"errors\":[0.0,0.0]"), json);
        assertTrue(json.contains("\"comparable\":[true,true]") && !json.contains("[Z@"), json);
        assertTrue(json.contains("\"aliasing_layer\":null"), json);
    }

    @Test
    void testImagesComeFromTheDataDirectory(@TempDir Path dir) throws Exception {
        LabRun.writeIdx(dir, 20, 10);
        LabRun r = LabRun.run(new EquivarianceCommand(), "--model", "small-cnn-blurpool", "--inputs", "test", "--samples", "4",
                "--data", dir.toString(), "--padding", "circular", "--max-shift", "2", "--json");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("\"samples\":4") && r.out().contains("\"aliasing_layer\":\"blurpool2d_1\""), r.out());
    }

    @Test
    void aUNetWithTransposedConvolutionsIsProbed() {
        LabCli r = LabCli.run("lab", "equivariance", "--model", "unet-small", "--json");
        assertEquals(0, r.code(), r.toString());
        String json = r.out().trim();
        assertTrue(json.startsWith("{") && json.endsWith("}") && json.contains("\"padding\":\"circular\""), json);
        assertTrue(json.contains("\"name\":\"up2\",\"type\":\"ConvTranspose2d\""), json);
        // the output is back at one cell per pixel, but the bottleneck behind it only takes multiples of 4
        assertTrue(json.contains("\"jump\":[1.0,1.0],\"step\":[4,4]"), json);
        assertTrue(json.contains("\"comparable\":[false,false,false,true]"), json);
    }

    @Test
    void badInputIsExitCode2WithOneLine() {
        LabRun shift = LabRun.run(new EquivarianceCommand(), "--model", "small-cnn", "--max-shift", "0");
        assertEquals(2, shift.code(), shift.toString());
        assertTrue(shift.err().contains("max-shift=0"), shift.err());
        LabRun padding = LabRun.run(new EquivarianceCommand(), "--model", "small-cnn", "--padding", "reflect");
        assertEquals(2, padding.code(), padding.toString());
        assertTrue(padding.err().contains("Expected zero, circular or both"), padding.err());
        LabRun model = LabRun.run(new EquivarianceCommand(), "--model", "no-such-model");
        assertEquals(2, model.code(), model.toString());
        assertTrue(model.err().contains("Unknown model 'no-such-model'. Expected one of lenet5, "), model.err());
        assertTrue(model.err().contains("small-cnn-blurpool") && model.err().contains("resnet8"), model.err());
        assertEquals(1, model.err().strip().lines().count(), model.err());
    }

    @Test
    void everyLab2CommandIsReachableFromTheRootCommand() {
        for (String name : new String[] {"equivariance", "invariance", "efficiency", "position"}) {
            StringWriter out = new StringWriter();
            CommandLine cl = Striate.commandLine();
            cl.setOut(new PrintWriter(out, true));
            assertEquals(0, cl.execute("lab", name, "--help"), name);
            assertTrue(out.toString().contains("Usage: striate lab " + name), out.toString());
        }
    }

    @Test
    void helpDescribesTheProbe() {
        LabRun r = LabRun.run(new EquivarianceCommand(), "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("--max-shift") && r.out().contains("jump"), r.out());
    }
}
