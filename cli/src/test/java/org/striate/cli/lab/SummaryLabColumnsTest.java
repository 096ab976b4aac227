package org.striate.cli.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The receptive-field, memory and dense-comparison columns and flags of 'striate summary'. */
class SummaryLabColumnsTest {

    @TempDir
    Path tmp;

    @Test
    void lenet5TableHasFieldsMemoryAndDenseEquivalents() {
        LabCli r = LabCli.run("summary", "--model", "lenet5", "--batch", "64");
        assertEquals(0, r.code(), r::toString);
        String[] lines = r.out().split("\\R");
        // conv2d_2: 16x10x10, field 14, jump 2, start 4.5; a dense layer 1,176 → 1,600 needs 1,881,600 weights (2,416 params)
        assertTrue(r.out().lines().anyMatch(l -> l.matches("conv2d_2\\s+Conv2d\\s+16x10x10\\s+2,416\\s+240,000\\s+14\\s+2\\s+4.5\\s+6.3 KiB\\s+4.6 KiB\\s+1,881,600\\s+779x")), r::toString);
        assertTrue(r.out().lines().anyMatch(l -> l.matches("maxpool2d_2\\s+MaxPool2d\\s+16x5x5\\s+0\\s+0\\s+16\\s+4\\s+5.5\\s+.*")), r::toString);
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("total") && l.contains("61,706")), r::toString);
        assertTrue(r.out().contains("activations for a batch of 64: forward"), r::toString);
        assertTrue(lines.length > 12);
    }

    @Test
    void unseenColumnsWarnAndDenseCompareGivesTheSeedFigure() throws Exception {
        Path spec = tmp.resolve("strided.spec");
        Files.writeString(spec, "input 1x28x28\nconv 4 3x3 stride=2\nflatten\ndense 10\n");
        LabCli r = LabCli.run("summary", "--model", spec.toString(), "--dense-compare", "3x480x640:128");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("warning: conv2d_1: input row 27 (of 0-27) and input column 27 (of 0-27) are never seen by any output"), r::toString);
        assertTrue(r.out().contains("117,964,800 weights"), r::toString);
        assertTrue(r.out().contains("3,584 parameters"), r::toString);
        LabCli j = LabCli.run("summary", "--model", spec.toString(), "--json", "--dense-compare", "3x480x640:128");
        assertEquals(0, j.code(), j::toString);
        // conv 3x3 stride 2 on 1x28x28: field 3, jump 2, first centre at 1; output 4x13x13 = 676 floats, keeps its 784-float input
        assertTrue(j.out().contains("\"name\":\"conv2d_1\",\"type\":\"Conv2d\",\"inputs\":[\"input\"],\"output_shape\":[4,13,13],\"params\":40,\"macs\":6084,"
                + "\"receptive_field\":[3,3],\"receptive_field_kind\":\"local\",\"jump\":[2.0,2.0],\"start\":[1.0,1.0],"
                + "\"activation_bytes\":{\"forward\":2704,\"training\":3136},\"dense_weights\":529984,\"dense_ratio\":13249.6}"), j::toString);
        // after flatten every output sees the whole 28x28 image: no jump or start
        assertTrue(j.out().contains("\"name\":\"flatten_1\",\"type\":\"Flatten\",\"inputs\":[\"conv2d_1\"],\"output_shape\":[676],\"params\":0,\"macs\":0,"
                + "\"receptive_field\":[28,28],\"receptive_field_kind\":\"global\",\"jump\":null,\"start\":null,"
                + "\"activation_bytes\":{\"forward\":2704,\"training\":0}}"), j::toString);
        assertTrue(j.out().contains("\"activation_bytes\":{\"forward\":" + (784 + 676 + 676 + 10) * 4 + ",\"training\":" + (784 + 676) * 4 + "}"), j::toString);
        assertTrue(j.out().contains("\"warnings\":[{\"layer\":\"conv2d_1\",\"rows\":[27],\"columns\":[27]"), j::toString);
        assertTrue(j.out().contains("\"dense_compare\":{\"input\":[3,480,640],\"units\":128,\"kernel\":3,\"dense_weights\":117964800"), j::toString);
    }

    @Test
    void badDenseCompareIsOneLineOfInvalidInput() {
        LabCli r = LabCli.run("summary", "--model", "lenet5", "--dense-compare", "640x480:128");
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().contains("Expected CxHxW:UNITS"), r::toString);
    }
}
