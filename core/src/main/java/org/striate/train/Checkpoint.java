package org.striate.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.striate.io.CheckpointFile;

/**
 * Everything a training run needs to go on exactly where it stopped: the model (weights, layer state,
 * normalisation, class names, as a model file's bytes), each layer's random generator, the optimizer's
 * state, where in which epoch the run is, the sample order and the generators that shuffle and
 * augment, the epoch's running figures and the finished epochs. {@code run} describes the run it
 * belongs to (architecture, data, options, kernels); a run with other values refuses it.
 *
 * <pre>{@code
 * TrainOptions.builder()...checkpoint(Path.of("m.striate.ckpt"), 500).build();            // every 500 steps and each epoch
 * TrainOptions.builder()...resume(Checkpoint.load(Path.of("m.striate.ckpt"))).build();    // same options, goes on
 * }</pre>
 *
 * @param optimizer what {@link Optimizer#saveState} wrote
 * @param epoch the epoch to go on with, from 0
 * @param step the step within it to go on with, from 0 (0: the epoch starts, with its shuffle)
 * @param source names the checkpoint in messages (its file)
 */
public record Checkpoint(Map<String, String> run, byte[] model, long[][] layerRandom, byte[] optimizer, int epoch, int step,
                         int[] order, long[] shuffleRandom, long[] augmentRandom, double lossSum, long correct, long seen,
                         double learningRate, double epochSeconds, List<EpochStats> history, String source) {

    /** The usual suffix: the checkpoint of models/m.striate is models/m.striate.ckpt. */
    public static final String EXTENSION = ".ckpt";

    public Checkpoint {
        run = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(run));
        history = List.copyOf(history);
    }

    /** Reads a checkpoint written by a training run; refuses any damaged or foreign file with a {@code ModelFormatException}. */
    public static Checkpoint load(Path file) throws IOException { return CheckpointFile.load(file); }

    /** The file a model file's checkpoints go to: {@code <model>.ckpt}. */
    public static Path besideModel(Path model) { return model.resolveSibling(model.getFileName() + EXTENSION); }

    /** The previous checkpoint kept beside it: {@code <checkpoint>.1}. */
    public static Path previous(Path checkpoint) { return checkpoint.resolveSibling(checkpoint.getFileName() + ".1"); }

    /**
     * Checks that this checkpoint belongs to a run described by {@code now}; throws a
     * {@link CheckpointMismatchException} naming every value that differs.
     */
    public void checkRun(Map<String, String> now) {
        List<String> differ = new ArrayList<>();
        for (Map.Entry<String, String> e : now.entrySet()) {
            String then = run.get(e.getKey());
            if (!e.getValue().equals(then)) differ.add(difference(e.getKey(), then, e.getValue()));
        }
        for (String key : run.keySet()) if (!now.containsKey(key)) differ.add(key + " is recorded in the checkpoint but not known to this run");
        if (!differ.isEmpty()) {
            throw new CheckpointMismatchException("Checkpoint " + source + " was written by a different training run, so it cannot be resumed here: "
                    + String.join("; ", differ) + ". Resume with the model, data and options of the run that wrote it, or start afresh.");
        }
    }

    private static String difference(String key, String then, String now) {
        if (then == null) return key + " is not recorded in the checkpoint (now " + now + ")";
        if (then.contains("\n") || now.contains("\n")) {
            String[] a = then.split("\n", -1), b = now.split("\n", -1);
            int i = 0;
            while (i < a.length && i < b.length && a[i].equals(b[i])) i++;
            return key + " differs at line " + (i + 1) + ": '" + (i < a.length ? a[i] : "") + "' in the checkpoint, '" + (i < b.length ? b[i] : "") + "' now";
        }
        return key + " is " + then + " in the checkpoint but " + now + " now";
    }
}
