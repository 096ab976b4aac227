package org.striate.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.zip.CRC32;
import org.striate.StriateException;
import org.striate.data.Augmentation;
import org.striate.data.Dataset;
import org.striate.nn.LayerSpecs;
import org.striate.nn.Graph;
import org.striate.tensor.Tensor;
import org.striate.train.Adam;
import org.striate.train.Checkpoint;
import org.striate.train.TrainOptions;

/**
 * Fuzzes the checkpoint reader and what a resume does with a checkpoint: each input is read as it is
 * and with its length and CRC32 repaired; one that reads is resumed by the run that wrote the seed
 * ({@link #run}), which must go on or refuse it with a {@link StriateException}.
 */
class CheckpointFileFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void checkpoint(byte[] data) {
        resume(data);
        if (data.length >= CheckpointFile.MAGIC.length + 16) resume(repaired(data));
    }

    private static void resume(byte[] bytes) {
        Checkpoint c;
        try {
            c = CheckpointFile.decode(bytes, "fuzzed.ckpt");
        } catch (ModelFormatException expected) {
            return;
        }
        try {
            run(model(), options().resume(c));
        } catch (StriateException expected) {
            // refused: another run, or a state that does not fit the model
        }
    }

    static byte[] repaired(byte[] data) {
        byte[] b = data.clone();
        System.arraycopy(CheckpointFile.MAGIC, 0, b, 0, CheckpointFile.MAGIC.length);
        ByteBuffer.wrap(b).putInt(CheckpointFile.MAGIC.length, CheckpointFile.VERSION).putLong(CheckpointFile.MAGIC.length + 4, b.length);
        CRC32 crc = new CRC32();
        crc.update(b, 0, b.length - 4);
        ByteBuffer.wrap(b).putInt(b.length - 4, (int) crc.getValue());
        return b;
    }

    /** The run of the seed checkpoints: dropout, BatchNorm, augmentation, 12 samples in batches of 4. */
    static Graph model() {
        return LayerSpecs.parse("input 1x4x4\nconv 2 3x3 pad=same\nbatchnorm\nrelu\nflatten\ndropout 0.5\ndense 2\n", "fuzz", null).build(1);
    }

    static TrainOptions.Builder options() {
        return TrainOptions.builder().epochs(2).batchSize(4).optimizer(new Adam(1e-2)).seed(3).augmentation(Augmentation.parse("flip"));
    }

    static void run(Graph model, TrainOptions.Builder options) {
        Random r = new Random(5);
        Tensor x = new Tensor(12, 1, 4, 4);
        for (int i = 0; i < x.size(); i++) x.data[i] = r.nextFloat();
        int[] labels = new int[12];
        for (int i = 0; i < 12; i++) labels[i] = i % 2;
        fit(model, new Dataset(x, labels, new String[] {"a", "b"}), options.build());
    }

    static org.striate.train.History fit(Graph model, org.striate.data.Dataset data, org.striate.train.TrainOptions options) {
        return new org.striate.train.Trainer(model, options).fit(data);
    }
}
