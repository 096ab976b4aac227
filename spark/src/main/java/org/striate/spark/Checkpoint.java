package org.striate.spark;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.striate.io.ModelFile;
import org.striate.io.ModelFormatException;
import org.striate.nn.Graph;
import org.striate.train.Optimizer;

/**
 * Where training stands after a whole number of epochs: the model file's bytes (weights, layer state,
 * normalisation, class names), the optimizer's state and the names of the frozen layers (the model
 * file does not keep which layers training leaves alone, and a run resumed with others frozen would
 * not be the same run). The driver writes one after each epoch and broadcasts it to start the next; a
 * retried stage starts again from it.
 *
 * <p>Layout: "STRCKPT2", u32 epochs done, u32 length + model file, u32 length + optimizer state,
 * u32 length + the frozen layers' names (UTF-8, one per line). "STRCKPT1" files, written before
 * freezing reached Spark, end after the optimizer state and froze nothing.
 */
public record Checkpoint(int epochsDone, byte[] model, byte[] optimizer, List<String> frozen) {
    private static final byte[] MAGIC = {'S', 'T', 'R', 'C', 'K', 'P', 'T', '2'};
    private static final byte[] MAGIC_V1 = {'S', 'T', 'R', 'C', 'K', 'P', 'T', '1'};
    /** The file name in the checkpoint directory. */
    public static final String FILE = "checkpoint.bin";

    /** Before the first epoch: the model as given, and a fresh optimizer's state. */
    public static Checkpoint start(Graph model, Optimizer fresh) {
        return new Checkpoint(0, ModelFile.toBytes(model), stateOf(fresh), model.frozenLayerNames());
    }

    static byte[] stateOf(Optimizer optimizer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            optimizer.saveState(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static void restore(Optimizer optimizer, byte[] state) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
            optimizer.loadState(in);
        } catch (IOException e) {
            throw new ModelFormatException("The optimizer state in the checkpoint is cut short: " + e.getMessage()
                    + ". Expected the state written by the same optimizer.", e);
        }
    }

    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(model.length + optimizer.length + 32);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeInt(epochsDone);
            out.writeInt(model.length);
            out.write(model);
            out.writeInt(optimizer.length);
            out.write(optimizer);
            byte[] names = String.join("\n", frozen).getBytes(StandardCharsets.UTF_8);
            out.writeInt(names.length);
            out.write(names);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Reads {@link #toBytes}; {@code source} names the bytes in the error of a bad checkpoint. */
    public static Checkpoint fromBytes(byte[] bytes, String source) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte[] magic = in.readNBytes(MAGIC.length);
            boolean v1 = Arrays.equals(magic, MAGIC_V1);
            if (!v1 && !Arrays.equals(magic, MAGIC)) throw bad(source, "it does not start with STRCKPT2 (or STRCKPT1)");
            int epochs = in.readInt();
            byte[] model = block(in, bytes.length, source, "model");
            byte[] optimizer = block(in, bytes.length, source, "optimizer state");
            if (epochs < 0) throw bad(source, "it counts " + epochs + " epochs");
            String names = v1 ? "" : new String(block(in, bytes.length, source, "list of frozen layers"), StandardCharsets.UTF_8);
            return new Checkpoint(epochs, model, optimizer, names.isEmpty() ? List.of() : List.of(names.split("\n")));
        } catch (IOException e) {
            throw bad(source, "it ends early (" + e + ")");
        }
    }

    private static byte[] block(DataInputStream in, int total, String source, String what) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > total) throw bad(source, "its " + what + " declares " + n + " bytes in a file of " + total);
        byte[] b = in.readNBytes(n);
        if (b.length != n) throw bad(source, "its " + what + " is cut short");
        return b;
    }

    private static ModelFormatException bad(String source, String why) {
        return new ModelFormatException(source + " is not a Striate training checkpoint: " + why + ". Expected a file written by SparkTrainer.");
    }

    /** Writes {@link #FILE} in {@code dir} through a temporary file renamed over it. */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, FILE, ".tmp");
        try {
            Files.write(tmp, toBytes());
            Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The checkpoint in {@code dir}, or null when there is none. */
    public static Checkpoint load(Path dir) throws IOException {
        Path f = dir.resolve(FILE);
        return Files.isRegularFile(f) ? fromBytes(Files.readAllBytes(f), f.toString()) : null;
    }

    /** The model as saved: every layer trainable, as a model file loads. */
    public Graph decodeModel() { return ModelFile.fromBytes(model, "the checkpoint's model"); }

    /** The model with the layers this checkpoint names frozen again, as training holds it. */
    public Graph decodeModelFrozen() {
        Graph m = decodeModel();
        for (org.striate.nn.Layer layer : m.layers()) if (frozen.contains(layer.name())) layer.trainable(false);
        if (!m.frozenLayerNames().equals(frozen)) {
            throw bad("the checkpoint's model", "it names frozen layers " + frozen + " but its model's layers freeze as " + m.frozenLayerNames());
        }
        return m;
    }
}
