package org.striate.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.striate.data.Augmentation;
import org.striate.data.Dataset;
import org.striate.io.ModelFile;
import org.striate.io.ModelFormatException;
import org.striate.nn.LayerSpecs;
import org.striate.nn.Graph;

/** Resuming from any checkpoint of a run ends with the bytes of the run that never stopped. */
class CheckpointResumeTest {
    private static final Dataset TRAIN = Bars.make(100, 1);
    /** Batch statistics, dropout masks, augmentation and a schedule: every piece of state a resume must restore. */
    private static final String SPEC = "input 1x" + Bars.SIZE + "x" + Bars.SIZE + "\nconv 4 3x3 pad=same\nbatchnorm\nrelu\nmaxpool 2\nflatten\ndropout 0.3\ndense 2\n";

    static Graph model() {
        return LayerSpecs.parse(SPEC, "test", null).build(7).normalization(new float[] {0.3f}, new float[] {0.35f}).classNames("a", "b");
    }

    static TrainOptions.Builder options(Optimizer optimizer) {
        return TrainOptions.builder().epochs(3).batchSize(16).optimizer(optimizer).seed(5)
                .schedule(LearningRateSchedule.cosine(3, 1e-4)).augmentation(Augmentation.parse("shift=1,flip"));
    }

    @Test
    void resumingFromEveryCheckpointGivesTheUninterruptedWeights(@TempDir Path dir) throws IOException {
        for (Optimizer opt : new Optimizer[] {new Adam(1e-2), new Sgd(0.05).momentum(0.9)}) {
            Graph plain = model();
            fit(plain, TRAIN, options(opt).build());
            byte[] expected = ModelFile.toBytes(plain);

            Path ckpt = dir.resolve("m.striate.ckpt");
            List<Path> copies = new ArrayList<>();
            Graph saving = model();
            History full = fit(saving, TRAIN, options(opt).checkpoint(ckpt, 4).listener(new TrainingListener() {
                @Override
                public void onCheckpoint(Path file, int epoch, int step) {
                    Path copy = dir.resolve("copy-" + copies.size());
                    try {
                        Files.copy(file, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    copies.add(copy);
                }
            }).build());
            assertArrayEquals(expected, ModelFile.toBytes(saving), "checkpointing changed the trained weights");
            // 7 steps an epoch: checkpoints after global steps 4, 8, 12, 16, 20 and at the 3 epoch ends
            assertEquals(8, copies.size());
            assertTrue(Files.exists(Checkpoint.previous(ckpt)), "the checkpoint before is kept as .ckpt.1");

            for (Path copy : copies) {
                Graph resumed = model();
                History h = fit(resumed, TRAIN, options(opt).resume(Checkpoint.load(copy)).build());
                assertArrayEquals(expected, ModelFile.toBytes(resumed), "resumed from " + copy + " with " + opt.describe());
                assertEquals(full.last().trainLoss(), h.last().trainLoss());
                assertEquals(3, h.size());
            }
        }
    }

    @Test
    void aCheckpointOfAnotherRunIsRefusedNamingWhatDiffers(@TempDir Path dir) throws IOException {
        Path ckpt = dir.resolve("m.ckpt");
        fit(model(), TRAIN, options(new Adam(1e-2)).checkpoint(ckpt, 5).build());
        Checkpoint c = Checkpoint.load(ckpt);
        CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class,
                () -> fit(model(), TRAIN, options(new Adam(1e-2)).batchSize(8).resume(c).build()));
        assertTrue(e.getMessage().contains("the batch size is 16 in the checkpoint but 8 now"), e.getMessage());
        Graph other = LayerSpecs.parse(SPEC.replace("conv 4", "conv 5"), "test", null).build(7)
                .normalization(new float[] {0.3f}, new float[] {0.35f}).classNames("a", "b");
        e = assertThrows(CheckpointMismatchException.class, () -> fit(other, TRAIN, options(new Adam(1e-2)).resume(c).build()));
        assertTrue(e.getMessage().contains("the architecture differs at line 2: 'conv 4 3x3"), e.getMessage());
        e = assertThrows(CheckpointMismatchException.class, () -> fit(model(), Bars.make(100, 9), options(new Adam(1e-2)).resume(c).build()));
        assertTrue(e.getMessage().contains("the training data is 100 samples with fingerprint"), e.getMessage());
        Graph frozen = model();
        frozen.layer(0).trainable(false);
        e = assertThrows(CheckpointMismatchException.class, () -> fit(frozen, TRAIN, options(new Adam(1e-2)).resume(c).build()));
        assertTrue(e.getMessage().contains("the set of frozen layers is none in the checkpoint but " + frozen.layer(0).name() + " now"), e.getMessage());
    }

    @Test
    void aDamagedCheckpointIsRefused(@TempDir Path dir) throws IOException {
        Path ckpt = dir.resolve("m.ckpt");
        fit(model(), TRAIN, options(new Adam(1e-2)).epochs(1).checkpoint(ckpt, 0).build());
        byte[] b = Files.readAllBytes(ckpt);
        b[b.length / 2] ^= 1;
        Files.write(ckpt, b);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Checkpoint.load(ckpt));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
        Files.write(ckpt, java.util.Arrays.copyOf(b, 40));
        assertThrows(ModelFormatException.class, () -> Checkpoint.load(ckpt));
    }

    static History fit(Graph model, org.striate.data.Dataset data, TrainOptions options) {
        return new Trainer(model, options).fit(data);
    }
}
