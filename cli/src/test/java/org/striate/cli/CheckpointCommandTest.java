package org.striate.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train --checkpoint-every and --resume: the resumed model is byte for byte the uninterrupted one. */
class CheckpointCommandTest {
    @TempDir
    static Path tmp;
    static Path data, spec;

    @BeforeAll
    static void writeData() throws Exception {
        data = TinyData.write(tmp.resolve("data"), 300, 50, 3);
        spec = tmp.resolve("tiny.spec");
        Files.writeString(spec, "input 1x28x28\nconv 4 3x3 pad=same\nbatchnorm\nrelu\nmaxpool 2\nflatten\ndropout 0.2\ndense 10\n");
    }

    static Cli train(Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--model", spec.toString(), "--data", data.toString(), "--epochs", "2",
                "--batch", "32", "--augment", "shift=1", "--threads", "1", "--no-progress", "--out", out.toString()));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void resumingFromTheCheckpointBeforeTheLastGivesTheSameModelAndMetrics() throws Exception {
        Path plain = tmp.resolve("plain.striate");
        assertEquals(ExitCode.OK, train(plain).code());
        Path out = tmp.resolve("run.striate");
        Cli first = train(out, "--checkpoint-every", "4");
        assertEquals(ExitCode.OK, first.code(), first::toString);
        assertArrayEquals(Files.readAllBytes(plain), Files.readAllBytes(out), "checkpoints do not change the model");
        Path ckpt = tmp.resolve("run.striate.ckpt"), previous = tmp.resolve("run.striate.ckpt.1");
        assertTrue(Files.isRegularFile(ckpt) && Files.isRegularFile(previous));

        // 10 steps an epoch: the last two checkpoints are after step 16 and at the end of epoch 2
        Path resumedOut = tmp.resolve("resumed.striate");
        Cli resumed = train(resumedOut, "--checkpoint-every", "4", "--resume", previous.toString());
        assertEquals(ExitCode.OK, resumed.code(), resumed::toString);
        assertTrue(resumed.out().startsWith("resuming from " + previous + ": epoch 2/2, step 6"), resumed::toString);
        assertFalse(resumed.out().contains("epoch 1/2  train"), "epoch 1 is not trained again: " + resumed.out());
        assertArrayEquals(Files.readAllBytes(out), Files.readAllBytes(resumedOut));
        List<String> csv = Files.readAllLines(tmp.resolve("resumed.metrics.csv"));
        assertEquals(3, csv.size(), "both epochs, the first from the checkpoint: " + csv);
        List<String> original = Files.readAllLines(tmp.resolve("run.metrics.csv"));
        for (int i = 1; i < 3; i++) {
            assertEquals(original.get(i).split(",", 6)[4], csv.get(i).split(",", 6)[4], "test accuracy of epoch " + i);
        }
    }

    @Test
    void aCheckpointOfOtherOptionsIsRefusedWithOneLineAndNothingWritten() throws Exception {
        Path out = tmp.resolve("other.striate");
        assertEquals(ExitCode.OK, train(out, "--checkpoint-every", "0").code());
        Path ckpt = tmp.resolve("other.striate.ckpt");
        Path again = tmp.resolve("again/m.striate");
        Cli r = train(again, "--resume", ckpt.toString(), "--seed", "7");
        BadInputTest.assertOneLine(r, "Checkpoint " + ckpt, "the seed is 42 in the checkpoint but 7 now");
        assertFalse(Files.exists(again.getParent()), "nothing written");

        Cli notOne = train(again, "--resume", spec.toString());
        BadInputTest.assertOneLine(notOne, spec.toString(), "not a Striate checkpoint");
        assertFalse(Files.exists(again.getParent()), "nothing written");
    }
}
