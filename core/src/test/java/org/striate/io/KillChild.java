package org.striate.io;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.striate.data.Augmentation;
import org.striate.data.Dataset;
import org.striate.nn.LayerSpecs;
import org.striate.nn.Graph;
import org.striate.tensor.Tensor;
import org.striate.train.Adam;
import org.striate.train.Checkpoint;
import org.striate.train.LearningRateSchedule;
import org.striate.train.TrainOptions;
import org.striate.train.TrainingListener;

/**
 * The training run {@link KillAndResumeTest} starts in a JVM of its own and kills. Arguments: the
 * output model file, the model kind ("serial": BatchNorm and dropout, the batch is not split;
 * "split": split over the threads), where to stop and wait to be killed ("none", "step=K" after
 * global step K, "checkpoint=K" after the K-th checkpoint, "write=K" halfway through writing the
 * K-th checkpoint), and "resume" to go on from {@code <out>.ckpt}. Prints the global number of its first step ("FIRST 9"),
 * "WAITING" when it waits, "DONE" when the model is saved.
 */
public final class KillChild {
    static final int EPOCHS = 3, EVERY = 4;

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        String spec = args[1].equals("serial")
                ? "input 1x8x8\nconv 4 3x3 pad=same\nbatchnorm\nrelu\nmaxpool 2\nflatten\ndropout 0.3\ndense 2\n"
                : "input 1x8x8\nconv 4 3x3 pad=same\nrelu\nmaxpool 2\nflatten\ndense 16\nrelu\ndense 2\n";
        String[] stop = args[2].split("=");
        int at = stop.length == 2 ? Integer.parseInt(stop[1]) : -1;
        Graph model = LayerSpecs.parse(spec, "child", null).build(3).normalization(new float[] {0.3f}, new float[] {0.3f}).classNames("a", "b");
        Path ckpt = Checkpoint.besideModel(out);
        int[] checkpoints = {0};
        if (stop[0].equals("write")) {
            CheckpointFile.wrapForTests = raw -> checkpoints[0] + 1 == at ? new FilterOutputStream(raw) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len / 2);
                    out.flush();
                    waitToBeKilled();
                }
            } : raw;
        }
        TrainingListener listener = new TrainingListener() {
            boolean first = true;

            @Override
            public void onBatch(int epoch, int step, int steps, double loss, double accuracy, double imagesPerSecond) {
                if (first) System.out.println("FIRST " + ((epoch - 1) * steps + step));
                first = false;
                if (stop[0].equals("step") && (epoch - 1) * steps + step == at) waitToBeKilled();
            }

            @Override
            public void onCheckpoint(Path file, int epoch, int step) {
                checkpoints[0]++;
                if (stop[0].equals("checkpoint") && checkpoints[0] == at) waitToBeKilled();
            }
        };
        TrainOptions.Builder options = TrainOptions.builder().epochs(EPOCHS).batchSize(16).optimizer(new Adam(1e-2)).seed(9)
                .schedule(LearningRateSchedule.cosine(EPOCHS, 1e-4)).augmentation(Augmentation.parse("shift=1,flip"))
                .listener(listener).checkpoint(ckpt, EVERY);
        if (args.length > 3 && args[3].equals("resume")) options.resume(Checkpoint.load(ckpt));
        fit(model, data(), options.build());
        ModelFile.save(model, out);
        System.out.println("DONE");
    }

    static void waitToBeKilled() {
        System.out.println("WAITING");
        System.out.flush();
        try {
            Thread.sleep(120_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.exit(3);   // never killed: the parent fails on the exit code
    }

    /** 120 8x8 images of a bright row (class 0) or column (class 1) over noise. */
    static Dataset data() {
        Random r = new Random(1);
        Tensor x = new Tensor(120, 1, 8, 8);
        int[] labels = new int[120];
        for (int s = 0; s < labels.length; s++) {
            labels[s] = r.nextInt(2);
            int line = r.nextInt(8);
            for (int i = 0; i < 64; i++) {
                boolean on = labels[s] == 0 ? i / 8 == line : i % 8 == line;
                x.data[s * 64 + i] = on ? 0.7f + 0.3f * r.nextFloat() : 0.3f * r.nextFloat();
            }
        }
        return new Dataset(x, labels, new String[] {"row", "column"});
    }


    static org.striate.train.History fit(Graph model, org.striate.data.Dataset data, org.striate.train.TrainOptions options) {
        return new org.striate.train.Trainer(model, options).fit(data);
    }
}
