package org.striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class BenchCommandTest {

    private static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":([0-9.eE+-]+)").matcher(json);
        assertTrue(m.find(), key + " missing in " + json);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void jsonHasEveryFigureOfTheBrief() {
        Cli r = Cli.run("bench", "--model", "lenet5", "--seconds", "0.05", "--threads", "1", "--kernels", "scalar", "--json");
        assertEquals(0, r.code(), r.toString());
        String json = r.out().trim();
        assertEquals(1, json.lines().count(), "one JSON object on one line");
        for (String key : new String[] {"train_images_per_s", "infer_images_per_s", "latency_batch1_us", "peak_gflops"}) {
            assertTrue(number(json, key) > 0, key + " must be positive: " + json);
        }
        // lenet5 has two convolutions, each with forward and backward figures
        assertEquals(2, Pattern.compile("\"forward_gflops\":").matcher(json).results().count(), json);
        assertEquals(2, Pattern.compile("\"backward_gflops\":").matcher(json).results().count(), json);
    }

    @Test
    void badValuesAreOneLineAndExitTwo() {
        Cli r = Cli.run("bench", "--model", "resnet");
        assertEquals(2, r.code(), r.toString());
        assertEquals(1, r.errLines().length, r.toString());
        assertTrue(r.err().contains("resnet"), r.toString());
        Cli b = Cli.run("bench", "--batch", "0");
        assertEquals(2, b.code(), b.toString());
        assertEquals(1, b.errLines().length, b.toString());
        for (String option : new String[] {"--train-batch", "--infer-batch"}) {
            Cli c = Cli.run("bench", option, "-3");
            assertEquals(2, c.code(), c.toString());
            assertEquals(1, c.errLines().length, c.toString());
            assertTrue(c.err().contains(option) && c.err().contains("-3") && c.err().contains("positive"), c.toString());
        }
    }

    @Test
    void theBatchesGivenAreTheBatchesUsed() {
        Cli r = Cli.run("bench", "--model", "lenet5", "--seconds", "0.02", "--threads", "1", "--kernels", "scalar", "--json",
                "--train-batch", "5", "--infer-batch", "7");
        assertEquals(0, r.code(), r.toString());
        assertEquals(5, number(r.out(), "train_batch"), r.out());
        assertEquals(7, number(r.out(), "infer_batch"), r.out());
    }

    @Test
    void helpStatesTheBatchRule() {
        Cli r = Cli.run("bench", "--help");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("16 and 16") && r.out().contains("--infer-batch") && r.out().contains("timed once"), r.out());
    }
}
