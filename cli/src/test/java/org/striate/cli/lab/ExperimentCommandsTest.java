package org.striate.cli.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentCommandsTest {
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G'};

    private static void assertPng(Path file) throws Exception {
        assertTrue(Files.isRegularFile(file), file + " written");
        assertArrayEquals(PNG_MAGIC, Arrays.copyOf(Files.readAllBytes(file), 4), file + " is a PNG");
    }

    @Test
    void invarianceTrainsEachModelAndPlotsAccuracyAgainstShift(@TempDir Path dir) throws Exception {
        Path data = LabRun.writeIdx(dir.resolve("data"), 100, 40);
        Path plots = dir.resolve("plots");
        LabRun r = LabRun.run(new InvarianceCommand(), "--models", "small-cnn,small-mlp", "--data", data.toString(), "--train-size", "100",
                "--test-size", "40", "--epochs", "1", "--max-shift", "2", "--out", plots.toString(), "--json");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("\"shifts\":[-2,-1,0,1,2]"), r.out());
        assertTrue(r.out().contains("\"model\":\"small-cnn\"") && r.out().contains("\"model\":\"small-mlp\"") && r.out().contains("\"consistency\":"), r.out());
        assertPng(plots.resolve("invariance-horizontal.png"));
        assertPng(plots.resolve("invariance-vertical.png"));
    }

    @Test
    void invarianceTableListsEveryShift(@TempDir Path dir) throws Exception {
        Path data = LabRun.writeIdx(dir.resolve("data"), 50, 20);
        LabRun r = LabRun.run(new InvarianceCommand(), "--models", "small-mlp", "--data", data.toString(), "--train-size", "50",
                "--test-size", "20", "--epochs", "1", "--max-shift", "1", "--out", dir.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("Accuracy at each horizontal shift") && r.out().contains("    -1      0     +1"), r.out());
    }

    @Test
    void efficiencyGivesOnePointPerModelAndSize(@TempDir Path dir) throws Exception {
        Path data = LabRun.writeIdx(dir.resolve("data"), 60, 30);
        LabRun r = LabRun.run(new EfficiencyCommand(), "--data", data.toString(), "--sizes", "20,60", "--models", "small-mlp,small-cnn",
                "--test-size", "30", "--out", dir.toString(), "--json");
        assertEquals(0, r.code(), r.toString());
        assertEquals(4, r.out().split("\"train_size\"").length - 1, r.out());
        assertTrue(r.out().contains("\"train_size\":20,\"epochs\":30"), r.out());
        assertPng(dir.resolve("efficiency.png"));
    }

    @Test
    void efficiencyRepeatsEachRunAndGivesItsInterval(@TempDir Path dir) throws Exception {
        Path data = LabRun.writeIdx(dir.resolve("data"), 40, 20);
        LabRun r = LabRun.run(new EfficiencyCommand(), "--data", data.toString(), "--sizes", "40", "--models", "small-mlp", "--seeds", "3",
                "--max-epochs", "3", "--test-size", "20", "--out", dir.toString(), "--json");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("\"seeds\":3") && r.out().contains("\"interval\":{\"mean\":") && r.out().contains("\"n\":3"), r.out());
        assertTrue(r.out().matches("(?s).*\"runs\":\\[[0-9.]+,[0-9.]+,[0-9.]+\\].*"), r.out());
        LabRun text = LabRun.run(new EfficiencyCommand(), "--data", data.toString(), "--sizes", "40", "--models", "small-mlp", "--seeds", "2",
                "--max-epochs", "3", "--test-size", "20", "--out", dir.toString());
        assertTrue(text.out().contains("95% t interval over 2 seeds") && text.out().contains(" ± "), text.out());
        assertEquals(2, LabRun.run(new EfficiencyCommand(), "--data", data.toString(), "--seeds", "0", "--out", dir.toString()).code());
    }

    @Test
    void efficiencyRejectsANonPositiveSize(@TempDir Path dir) throws Exception {
        Path data = LabRun.writeIdx(dir.resolve("data"), 10, 10);
        LabRun r = LabRun.run(new EfficiencyCommand(), "--data", data.toString(), "--sizes", "0", "--out", dir.toString());
        assertEquals(2, r.code(), r.toString());
    }

    @Test
    void positionTaskSeparatesTheTwoModels() {
        LabRun r = LabRun.run(new PositionCommand(), "--train-size", "400", "--test-size", "200", "--epochs", "5", "--json");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("\"model\":\"locally-connected\"") && r.out().contains("\"model\":\"cnn-gap\""), r.out());
        double lc = number(r.out(), "locally-connected"), cnn = number(r.out(), "cnn-gap");
        assertTrue(lc > 0.9, "locally connected test accuracy " + lc);
        assertTrue(cnn < 0.4, "cnn with global average pooling test accuracy " + cnn);
    }

    /** The test_accuracy of the model named {@code model} in the JSON output. */
    private static double number(String json, String model) {
        int at = json.indexOf("\"model\":\"" + model + "\"");
        int k = json.indexOf("\"test_accuracy\":", at) + "\"test_accuracy\":".length();
        int end = k;
        while (end < json.length() && "0123456789.eE-".indexOf(json.charAt(end)) >= 0) end++;
        return Double.parseDouble(json.substring(k, end));
    }
}
