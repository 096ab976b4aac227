package org.striate.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.striate.StriateException;
import org.striate.data.Dataset;
import org.striate.data.SavableRandom;
import org.striate.io.CheckpointFile;
import org.striate.io.ModelFile;
import org.striate.io.ModelFormatException;
import org.striate.kernels.Kernels;
import org.striate.nn.Layer;
import org.striate.nn.Graph;

/**
 * The trainer's side of checkpoints: describes the run (what must match for a resume to give the same
 * weights), gathers the state through the model's, layers' and optimizer's public methods
 * ({@code params()}, {@code state()}, {@code randomState()}, {@code saveState}), and puts it back.
 */
final class Checkpoints {
    private final Graph model;
    private final TrainOptions options;
    private final Map<String, String> run;

    Checkpoints(Graph model, TrainOptions options, Dataset train, int threads) {
        this.model = model;
        this.options = options;
        this.run = describe(model, options, train, threads);
    }

    /** Every value the trained weights depend on besides the state itself. */
    private static Map<String, String> describe(Graph model, TrainOptions o, Dataset train, int threads) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("the architecture", model.spec().strip());
        m.put("the parameter count", String.valueOf(model.paramCount()));
        m.put("the normalisation", "mean " + Arrays.toString(model.mean()) + " std " + Arrays.toString(model.std()));
        m.put("the class names", String.join(",", model.classNames()));
        m.put("the set of frozen layers", model.frozenLayerNames().isEmpty() ? "none" : String.join(",", model.frozenLayerNames()));
        m.put("the training data", train.size() + " samples with fingerprint " + fingerprint(train));
        m.put("the epoch count", String.valueOf(o.epochs()));
        m.put("the batch size", String.valueOf(o.batchSize()));
        m.put("the optimizer", o.optimizer().describe());
        m.put("the learning-rate schedule", name(o.schedule()));
        m.put("the loss", name(o.loss()));
        m.put("the seed", String.valueOf(o.seed()));
        m.put("the augmentation", o.augmentation().toString());
        m.put("the kernels", Kernels.get().name() + ", batch split over " + threads + (threads == 1 ? " thread" : " threads"));
        return m;
    }

    /** A record says its values; other classes only their name (a lambda's is cut before its address). */
    private static String name(Object o) {
        if (o.getClass().isRecord()) return o.toString();
        String n = o.getClass().getName();
        int lambda = n.indexOf("$$Lambda");
        return lambda < 0 ? n : n.substring(0, lambda) + " (a lambda)";
    }

    /** 64-bit FNV-1a over the labels and the images' float bits: tells other data apart, not an adversary's. */
    static String fingerprint(Dataset d) {
        long h = 0xcbf29ce484222325L;
        for (int label : d.labels()) h = (h ^ label) * 0x100000001b3L;
        float[] x = d.images().data;
        for (int i = 0, n = d.images().size(); i < n; i++) h = (h ^ Float.floatToRawIntBits(x[i])) * 0x100000001b3L;
        return String.format("%016x", h);
    }

    /** Writes the state at the start of step {@code step} of epoch {@code epoch} (both from 0). */
    void save(int epoch, int step, BatchLoader loader, SavableRandom shuffle, SavableRandom augment,
              double lossSum, long correct, long seen, double lr, double epochSeconds, List<EpochStats> history) {
        List<Layer> layers = model.layers();
        long[][] random = new long[layers.size()][];
        for (int i = 0; i < random.length; i++) random[i] = layers.get(i).randomState();
        java.io.ByteArrayOutputStream optimizer = new java.io.ByteArrayOutputStream();
        try {
            options.optimizer().saveState(new java.io.DataOutputStream(optimizer));
        } catch (IOException e) {
            throw new UncheckedIOException(e);     // a ByteArrayOutputStream does not fail
        }
        Checkpoint c = new Checkpoint(run, ModelFile.toBytes(model), random, optimizer.toByteArray(), epoch, step, loader.order(),
                shuffle.state(), augment.state(), lossSum, correct, seen, lr, epochSeconds, history, options.checkpointFile().toString());
        try {
            java.nio.file.Path dir = options.checkpointFile().toAbsolutePath().getParent();
            if (dir != null) java.nio.file.Files.createDirectories(dir);
            CheckpointFile.save(c, options.checkpointFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        options.listener().onCheckpoint(options.checkpointFile(), step == 0 ? epoch : epoch + 1, step == 0 ? loader.steps() : step);
    }

    /** Checks the checkpoint belongs to this run, then puts its state into the model, optimizer, loader and generators. */
    void restore(Checkpoint c, BatchLoader loader, SavableRandom shuffle, SavableRandom augment) {
        String source = "Checkpoint " + c.source();
        c.checkRun(run);
        Graph saved;
        try {
            saved = ModelFile.fromBytes(c.model(), "the model inside the checkpoint");
        } catch (ModelFormatException e) {
            throw new ModelFormatException(source + " is damaged: " + e.getMessage(), e);
        }
        List<Layer> layers = model.layers(), from = saved.layers();
        if (from.size() != layers.size() || saved.paramCount() != model.paramCount() || c.layerRandom().length != layers.size()
                || c.epoch() > options.epochs() || c.step() >= loader.steps()) {
            throw new ModelFormatException(source + " is damaged: its model, layers or position do not match what it describes."
                    + " Resume from the previous checkpoint (<out>.ckpt.1) or start afresh.");
        }
        System.arraycopy(saved.params(), 0, model.params(), 0, model.paramCount());
        for (int i = 0; i < layers.size(); i++) {
            layers.get(i).loadState(from.get(i).state());
            if (c.layerRandom()[i].length > 0) layers.get(i).restoreRandomState(c.layerRandom()[i]);
        }
        try {
            java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(c.optimizer()));
            options.optimizer().loadState(in);
            if (in.available() > 0) throw new java.io.EOFException(in.available() + " bytes left over");
        } catch (IOException e) {
            throw new ModelFormatException(source + " is damaged: its optimizer state cannot be read (" + e.getMessage() + ")."
                    + " Resume from the previous checkpoint (<out>.ckpt.1) or start afresh.");
        }
        loader.restoreOrder(c.order());
        shuffle.restore(c.shuffleRandom());
        augment.restore(c.augmentRandom());
    }

}
